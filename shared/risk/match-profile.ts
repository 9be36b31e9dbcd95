/**
 * A risk profile compiled for scoring: its validity window in epoch ms, its outcome and its
 * criteria as a compiled node; matching a declaration's facts (the first item that satisfies the
 * whole tree) and explaining a match as the reason text an officer reads.
 */
import { compileNode } from './compile-criteria.ts';
import type { CompiledNode } from './compiled-node.ts';
import type { DeclarationFacts } from './declaration-facts.ts';
import { type RiskProfile, validFromMs, validToMs } from './profile.ts';

export interface CompiledProfile {
  readonly profile: RiskProfile;
  readonly id: string;
  readonly version: number;
  /** Validity window, epoch ms, [from, to). */
  readonly from: number;
  readonly to: number;
  readonly lane: 'RED' | 'YELLOW' | 'BLUE' | undefined;
  readonly scoreDelta: number;
  readonly root: CompiledNode;
}

export function compileProfile(profile: RiskProfile): CompiledProfile {
  return {
    profile,
    id: profile.id,
    version: profile.version,
    from: validFromMs(profile.validFrom),
    to: validToMs(profile.validTo),
    lane: 'lane' in profile.outcome ? profile.outcome.lane : undefined,
    scoreDelta: 'score' in profile.outcome ? profile.outcome.score : 0,
    root: compileNode(profile.criteria),
  };
}

/** Index of the first item that satisfies the profile, or -1. */
export function matchProfile(compiled: CompiledProfile, facts: DeclarationFacts): number {
  const root = compiled.root;
  if (!root.item) return root.test(facts, 0) ? 0 : -1;
  const count = facts.items.length;
  for (let index = 0; index < count; index += 1) if (root.test(facts, index)) return index;
  return -1;
}

const MAX_OTHER_ITEMS = 10;

/** "Profile P v2 "name" selects RED: <what matched>. Why: <reason>" */
export function explainMatch(compiled: CompiledProfile, facts: DeclarationFacts, index: number): string {
  const parts: string[] = [];
  compiled.root.explain(facts, index, true, parts);
  let others = '';
  if (compiled.root.item) {
    const more: number[] = [];
    for (let i = index + 1; i < facts.items.length; i += 1) if (compiled.root.test(facts, i)) more.push(i + 1);
    if (more.length > 0) {
      others = ` (also item${more.length === 1 ? '' : 's'} ${more.slice(0, MAX_OTHER_ITEMS).join(', ')}${more.length > MAX_OTHER_ITEMS ? ` and ${more.length - MAX_OTHER_ITEMS} more` : ''})`;
    }
  }
  const p = compiled.profile;
  const effect =
    compiled.lane !== undefined
      ? `selects ${compiled.lane}`
      : `adds ${compiled.scoreDelta > 0 ? '+' : ''}${compiled.scoreDelta} to the score`;
  return `Profile ${p.id} v${p.version} "${p.name}" ${effect}: ${parts.join('; ')}${others}. Why: ${p.reason}`;
}
