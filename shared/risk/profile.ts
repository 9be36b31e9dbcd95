/**
 * Risk profiles: officer-managed selection criteria, stored as data and versioned.
 *
 * A profile is a tree of criteria (and / or / not over typed leaf criteria on declaration
 * fields) and an outcome: a lane or a score contribution. Criteria are data validated here with
 * zod; nothing an officer writes is ever executed. `match-profile.ts` turns a profile into a fast
 * matcher, `score.ts` scores declarations with it, `dry-run.ts` counts what it would select.
 *
 * Matching rule: a profile matches a declaration when at least ONE item satisfies the whole
 * tree, where declaration-level fields (office, parties, procedure, transport, trader...) are
 * shared by every item. So "commodity 7202 AND origin CN" needs one item that is both, not one
 * item of 7202 from India and another of something else from China.
 */
import * as z from 'zod';
import { countryCode, isoDate, moneyString, partyId } from '#shared/domain/declaration.ts';
import { DomainError, problem, toPointer } from '#shared/domain/problems.ts';
import { plainText } from '#shared/domain/text.ts';

// ---- limits ------------------------------------------------------------------------------------

/** Deepest nesting of and / or / not (a bare leaf has depth 1). */
export const MAX_CRITERIA_DEPTH = 8;
/** Most nodes (leaves and operators) in one profile's tree. */
export const MAX_CRITERIA_NODES = 100;
/** Most children of one and / or. */
export const MAX_CRITERIA_CHILDREN = 20;
/** Most values in one leaf's list (codes, countries, party ids...). */
export const MAX_LIST_VALUES = 500;

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, `must list at least one ${what}`).max(MAX_LIST_VALUES, `must list at most ${MAX_LIST_VALUES} values`);

// ---- leaf criteria -------------------------------------------------------------------------------

/** Item-level: the item's commodity code starts with one of the prefixes (2 to 10 digits). */
export const commodityCodeCriterion = z.strictObject({
  kind: z.literal('commodityCode'),
  prefixes: list(z.string().regex(/^\d{2,10}$/, 'must be 2 to 10 digits of a commodity code such as "7202" or "8510900000"'), 'prefix'),
});
/** Item-level: the item's country of origin is one of the countries. */
export const originCriterion = z.strictObject({ kind: z.literal('origin'), countries: list(countryCode, 'country') });
/** The exporter's (consignor's) country is one of the countries. */
export const exporterCountryCriterion = z.strictObject({ kind: z.literal('exporterCountry'), countries: list(countryCode, 'country') });
/** The country of the place of loading (first two letters of its UN/LOCODE) is one of the countries. */
export const loadingCountryCriterion = z.strictObject({ kind: z.literal('loadingCountry'), countries: list(countryCode, 'country') });
/** The declarant's EORI is one of the ids. */
export const declarantCriterion = z.strictObject({ kind: z.literal('declarant'), ids: list(partyId, 'party id') });
/** The importer's EORI is one of the ids (an importer without an id never matches). */
export const importerCriterion = z.strictObject({ kind: z.literal('importer'), ids: list(partyId, 'party id') });
/** The customs office of the declaration is one of the offices. */
export const officeCriterion = z.strictObject({
  kind: z.literal('office'),
  offices: list(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3,6}$/, 'must be a customs office code such as "GBLHR"'), 'office'),
});
/**
 * The procedure code (DE 1/10) is one of the codes: a 4-digit code matches exactly, a 2-digit
 * code matches that requested procedure whatever the previous one ("40" matches 4000 and 4071).
 */
export const procedureCodeCriterion = z.strictObject({
  kind: z.literal('procedureCode'),
  codes: list(
    z.string().regex(/^\d{2}(\d{2})?$/, 'must be a 4-digit procedure code such as "4000" or a 2-digit requested procedure such as "40"'),
    'code',
  ),
});
/** The mode of transport at the border (DE 7/4) is one of the modes. */
export const transportModeCriterion = z.strictObject({
  kind: z.literal('transportMode'),
  modes: z
    .array(z.enum(['1', '2', '3', '4', '5', '7', '8', '9']))
    .min(1, 'must list at least one mode')
    .max(8),
});
/** The declaration type is one of the types (IM import, EX export). */
export const declarationTypeCriterion = z.strictObject({
  kind: z.literal('declarationType'),
  types: z
    .array(z.enum(['IM', 'EX']))
    .min(1, 'must list at least one type')
    .max(2),
});
/** Item-level: the item claims a tariff preference (DE 4/17 starting with 2 GSP, 3 preferential or 4 customs union). */
export const preferenceClaimedCriterion = z.strictObject({ kind: z.literal('preferenceClaimed') });
/** Item-level: the item declares one of the additional codes (DE 6/16). */
export const additionalCodeCriterion = z.strictObject({
  kind: z.literal('additionalCode'),
  codes: list(z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character additional code such as "C999"'), 'code'),
});
/**
 * Item-level: the item's declared value per kg of net mass, in the national currency, is below
 * and/or above the amounts given. Items with no net mass or no exchange rate never match.
 */
export const valuePerKgCriterion = z
  .strictObject({
    kind: z.literal('valuePerKg'),
    below: moneyString.optional(),
    above: moneyString.optional(),
  })
  .refine((c) => c.below !== undefined || c.above !== undefined, { message: 'must give below, above or both', path: ['below'] });
/**
 * Item-level: the item's declared value per unit is below `belowPercent` % of the reference
 * median for its commodity and origin (see valuation.ts). Items without a reference never match.
 */
export const valueToReferenceCriterion = z.strictObject({
  kind: z.literal('valueToReference'),
  belowPercent: z.number().gt(0, 'must be more than 0').max(1000, 'must be at most 1000'),
});
/**
 * The trader (importer for imports, exporter for exports, else the declarant) has fewer than
 * `fewerThan` previous declarations; an unknown trader has none. `fewerThan: 1` = first-time trader.
 */
export const traderDeclarationsCriterion = z.strictObject({
  kind: z.literal('traderDeclarations'),
  fewerThan: z.number().int().min(1, 'must be at least 1').max(1_000_000),
});
/** The trader is an authorised economic operator (any AEO status) or a trusted trader. */
export const trustedTraderCriterion = z.strictObject({ kind: z.literal('trustedTrader') });

const leafSchemas = [
  commodityCodeCriterion,
  originCriterion,
  exporterCountryCriterion,
  loadingCountryCriterion,
  declarantCriterion,
  importerCriterion,
  officeCriterion,
  procedureCodeCriterion,
  transportModeCriterion,
  declarationTypeCriterion,
  preferenceClaimedCriterion,
  additionalCodeCriterion,
  valuePerKgCriterion,
  valueToReferenceCriterion,
  traderDeclarationsCriterion,
  trustedTraderCriterion,
] as const;

export type LeafCriterion = z.infer<(typeof leafSchemas)[number]>;
export type LeafKind = LeafCriterion['kind'];

/** Leaf kinds evaluated per item; the others are evaluated once per declaration. */
export const itemLevelKinds: ReadonlySet<LeafKind> = new Set<LeafKind>([
  'commodityCode',
  'origin',
  'preferenceClaimed',
  'additionalCode',
  'valuePerKg',
  'valueToReference',
]);

export type Criterion = LeafCriterion | { kind: 'and'; of: Criterion[] } | { kind: 'or'; of: Criterion[] } | { kind: 'not'; of: Criterion };

const children = () =>
  z
    .array(criterionSchema)
    .min(1, 'must combine at least one criterion')
    .max(MAX_CRITERIA_CHILDREN, `must combine at most ${MAX_CRITERIA_CHILDREN} criteria`);

/**
 * A criteria tree. Depth and size are bounded (`MAX_CRITERIA_DEPTH`, `MAX_CRITERIA_NODES`) by
 * the profile schemas; parse untrusted bodies with `parseRiskProfileInput`, which checks the
 * bounds before zod recurses (a hostile, very deep tree would otherwise overflow the stack).
 */
export const criterionSchema: z.ZodType<Criterion> = z
  .discriminatedUnion('kind', [
    ...leafSchemas,
    z.strictObject({
      kind: z.literal('and'),
      get of() {
        return children();
      },
    }),
    z.strictObject({
      kind: z.literal('or'),
      get of() {
        return children();
      },
    }),
    z.strictObject({
      kind: z.literal('not'),
      get of() {
        return criterionSchema;
      },
    }),
  ])
  .meta({
    id: 'RiskCriterion',
    description:
      'A risk criterion: a leaf test on one declaration field, or and / or / not of criteria. A profile matches when one item satisfies the whole tree.',
  });

// ---- bounds -------------------------------------------------------------------------------------

export interface TreeShape {
  depth: number;
  nodes: number;
}

/**
 * Depth and node count of a (possibly unvalidated) criteria tree, walked iteratively so that a
 * hostile input cannot overflow the stack. Stops counting once past the limits.
 */
export function measureCriteria(raw: unknown): TreeShape {
  let depth = 0;
  let nodes = 0;
  const stack: Array<[unknown, number]> = [[raw, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    nodes += 1;
    depth = Math.max(depth, level);
    if (depth > MAX_CRITERIA_DEPTH || nodes > MAX_CRITERIA_NODES) break;
    if (typeof node !== 'object' || node === null) continue;
    const kind = (node as { kind?: unknown }).kind;
    const of = (node as { of?: unknown }).of;
    if ((kind === 'and' || kind === 'or') && Array.isArray(of)) {
      for (const child of of.slice(0, MAX_CRITERIA_CHILDREN + 1)) stack.push([child, level + 1]);
    } else if (kind === 'not') {
      stack.push([of, level + 1]);
    }
  }
  return { depth, nodes };
}

const boundsProblems = (raw: unknown, pointer: string) => {
  const shape = measureCriteria(raw);
  const problems = [];
  if (shape.depth > MAX_CRITERIA_DEPTH) {
    problems.push(problem(pointer, 'TOO_DEEP', `criteria must nest at most ${MAX_CRITERIA_DEPTH} levels deep`));
  }
  if (shape.nodes > MAX_CRITERIA_NODES) {
    problems.push(problem(pointer, 'TOO_BIG', `criteria must have at most ${MAX_CRITERIA_NODES} criteria in all`));
  }
  return problems;
};

// ---- profiles -----------------------------------------------------------------------------------

const text = plainText;

/**
 * A validity bound: a date (YYYY-MM-DD, UTC) or a date-time with an offset. `validFrom` as a
 * date starts at 00:00Z that day; `validTo` as a date includes that whole day (UTC); `validTo`
 * as a date-time is exclusive.
 */
export const validityBound = z.union([
  isoDate,
  z.iso.datetime({ offset: true, message: 'must be a date-time such as "2026-11-20T00:00:00Z"' }),
]);

/** Epoch ms where a validFrom bound starts. */
export const validFromMs = (bound: string): number => (bound.length === 10 ? Date.parse(`${bound}T00:00:00Z`) : Date.parse(bound));
/** Epoch ms (exclusive) where a validTo bound ends; a date includes its whole day. */
export const validToMs = (bound: string | undefined): number =>
  bound === undefined ? Number.POSITIVE_INFINITY : bound.length === 10 ? Date.parse(`${bound}T00:00:00Z`) + 86_400_000 : Date.parse(bound);

/** What a profile does when it matches: send to a lane, or add (or subtract) score points. */
export const profileOutcomeSchema = z
  .union([
    z.strictObject({ lane: z.enum(['RED', 'YELLOW', 'BLUE']) }),
    z.strictObject({
      score: z
        .number()
        .int('must be a whole number')
        .min(-100, 'must be at least -100')
        .max(100, 'must be at most 100')
        .refine((n) => n !== 0, 'must not be 0'),
    }),
  ])
  .meta({
    id: 'RiskProfileOutcome',
    description: 'A lane (RED physical, YELLOW documentary, BLUE post-clearance audit) or a score contribution between -100 and 100',
  });
export type ProfileOutcome = z.infer<typeof profileOutcomeSchema>;

export const profileId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1 to 64 letters, digits, "-" or "_"');

const inputShape = {
  name: text(100),
  /** Plain-language reason an officer reads on every declaration the profile selects. */
  reason: text(1000),
  /** The team or officer responsible for the profile. */
  owner: text(100).optional(),
  validFrom: validityBound,
  validTo: validityBound.optional(),
  enabled: z.boolean().default(true),
  criteria: criterionSchema,
  outcome: profileOutcomeSchema,
};

const checkProfile = (
  profile: { validFrom: string; validTo?: string | undefined; criteria: unknown },
  ctx: z.core.$RefinementCtx,
): void => {
  if (profile.validTo !== undefined && validToMs(profile.validTo) <= validFromMs(profile.validFrom)) {
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom', input: profile.validTo });
  }
  for (const p of boundsProblems(profile.criteria, '')) {
    ctx.addIssue({ code: 'custom', path: ['criteria'], message: p.message, input: profile.criteria });
  }
};

/** What an officer or administrator sends to create a profile or edit it (an edit makes a new version). */
export const riskProfileInputSchema = z
  .strictObject(inputShape)
  .superRefine(checkProfile)
  .meta({ id: 'RiskProfileInput', description: 'A risk profile as an officer creates or edits it' });
export type RiskProfileInput = z.infer<typeof riskProfileInputSchema>;

/** A stored profile version. Versions are immutable: an edit stores version + 1 under the same id. */
export const riskProfileSchema = z
  .object({
    id: profileId,
    version: z.number().int().min(1),
    ...inputShape,
    createdAt: z.iso.datetime({ offset: true }),
    /** Who saved this version (officer or administrator id). */
    createdBy: text(200),
  })
  .superRefine(checkProfile)
  .meta({ id: 'RiskProfile', description: 'One immutable version of a risk profile' });
export type RiskProfile = z.infer<typeof riskProfileSchema>;

/**
 * Parses an untrusted create / edit body: checks depth and size iteratively first, then zod.
 * Throws a DomainError BAD_REQUEST with every problem (JSON pointers into the body).
 */
export function parseRiskProfileInput(raw: unknown): RiskProfileInput {
  if (typeof raw === 'object' && raw !== null && 'criteria' in raw) {
    const problems = boundsProblems((raw as { criteria: unknown }).criteria, toPointer(['criteria']));
    if (problems.length > 0) throw new DomainError('BAD_REQUEST', 'Invalid risk profile', problems);
  }
  const parsed = riskProfileInputSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid risk profile', parsed.error);
  return parsed.data;
}

export interface VersionMeta {
  /** The profile id: a new id for a new profile, the previous version's id for an edit. */
  id: string;
  /** ISO date-time of the save. */
  at: string;
  /** Who saves it. */
  by: string;
}

/**
 * The next stored version of a profile: version 1 for a new profile (`previous` undefined),
 * else `previous.version + 1` under the same id. The store writes it conditionally on the
 * version not existing yet, so two concurrent edits cannot both become version n + 1.
 */
export function nextVersion(previous: RiskProfile | undefined, input: RiskProfileInput, meta: VersionMeta): RiskProfile {
  if (previous !== undefined && previous.id !== meta.id) {
    throw new Error(`nextVersion: editing profile ${previous.id} but the new version names ${meta.id}`);
  }
  return {
    id: meta.id,
    version: previous === undefined ? 1 : previous.version + 1,
    name: input.name,
    reason: input.reason,
    ...(input.owner === undefined ? {} : { owner: input.owner }),
    validFrom: input.validFrom,
    ...(input.validTo === undefined ? {} : { validTo: input.validTo }),
    enabled: input.enabled,
    criteria: structuredClone(input.criteria),
    outcome: { ...input.outcome },
    createdAt: meta.at,
    createdBy: meta.by,
  };
}

/** Whether a profile version is enabled and valid at the instant `at` (ISO date-time). */
export function isProfileActive(profile: Pick<RiskProfile, 'enabled' | 'validFrom' | 'validTo'>, at: string): boolean {
  const ms = Date.parse(at);
  return profile.enabled && validFromMs(profile.validFrom) <= ms && ms < validToMs(profile.validTo);
}
