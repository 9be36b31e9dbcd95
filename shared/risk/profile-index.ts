/**
 * The profile index: from each profile's criteria, a necessary condition on the commodity code
 * prefixes, the importer or the declarant (its anchor), so that scoring only evaluates the
 * profiles a declaration can match (a superset of those that do) instead of all of them.
 */
import type { DeclarationFacts } from './declaration-facts.ts';
import type { CompiledProfile } from './match-profile.ts';
import type { Criterion } from './profile.ts';

/**
 * A necessary condition of a criteria tree, used to index profiles: the tree can only hold if
 * some item's commodity code starts with one of `commodity`, or the importer is one of
 * `importer`, or the declarant is one of `declarant`. Undefined: no such condition (always a candidate).
 */
interface Anchor {
  commodity: string[];
  importer: string[];
  declarant: string[];
}

function anchorOf(criterion: Criterion): Anchor | undefined {
  switch (criterion.kind) {
    case 'commodityCode':
      return { commodity: criterion.prefixes, importer: [], declarant: [] };
    case 'importer':
      return { commodity: [], importer: criterion.ids, declarant: [] };
    case 'declarant':
      return { commodity: [], importer: [], declarant: criterion.ids };
    case 'and': {
      // Every child must hold: any anchored child is a necessary condition; prefer commodity-only ones.
      const anchors = criterion.of.map(anchorOf).filter((a): a is Anchor => a !== undefined);
      return anchors.find((a) => a.importer.length === 0 && a.declarant.length === 0) ?? anchors[0];
    }
    case 'or': {
      // One child must hold: anchored only if every child is, by the union.
      const anchors = criterion.of.map(anchorOf);
      if (anchors.some((a) => a === undefined)) return undefined;
      return {
        commodity: anchors.flatMap((a) => a!.commodity),
        importer: anchors.flatMap((a) => a!.importer),
        declarant: anchors.flatMap((a) => a!.declarant),
      };
    }
    default:
      return undefined;
  }
}

/** From a declaration's facts to the profiles of `list` that its anchors let through (and the unanchored ones), in list order. */
export function indexProfiles(list: readonly CompiledProfile[]): (facts: DeclarationFacts) => readonly CompiledProfile[] {
  const byPrefix = new Map<string, number[]>();
  const byImporter = new Map<string, number[]>();
  const byDeclarant = new Map<string, number[]>();
  const always = new Uint8Array(list.length);
  const add = (map: Map<string, number[]>, key: string, position: number) => {
    const positions = map.get(key);
    if (positions === undefined) map.set(key, [position]);
    else if (positions[positions.length - 1] !== position) positions.push(position);
  };
  list.forEach((compiled, position) => {
    const anchor = anchorOf(compiled.profile.criteria);
    if (anchor === undefined) {
      always[position] = 1;
      return;
    }
    for (const prefix of anchor.commodity) add(byPrefix, prefix, position);
    for (const id of anchor.importer) add(byImporter, id, position);
    for (const id of anchor.declarant) add(byDeclarant, id, position);
  });
  const lengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
  const marks = new Uint8Array(list.length);
  const mark = (positions: readonly number[] | undefined) => {
    if (positions !== undefined) for (const position of positions) marks[position] = 1;
  };
  return (facts) => {
    // Scoring is synchronous, so one scratch buffer per compiled set is safe.
    marks.set(always);
    for (const item of facts.items) {
      const prefixes = item.prefixes;
      for (const length of lengths) {
        const prefix = prefixes[length];
        if (prefix !== undefined) mark(byPrefix.get(prefix));
      }
    }
    const importer = facts.declaration.importer.id;
    if (importer !== undefined && byImporter.size > 0) mark(byImporter.get(importer));
    if (byDeclarant.size > 0) mark(byDeclarant.get(facts.declaration.declarant.id));
    const result: CompiledProfile[] = [];
    for (let position = 0; position < marks.length; position += 1) if (marks[position] === 1) result.push(list[position]!);
    return result;
  };
}
