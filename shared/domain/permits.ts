/**
 * Partner agencies and permits (single window, docs/single-window.md). A region's permit rules (a
 * reference document, `permit-rules`) say which agencies there are and which goods need which
 * permit type: commodity code prefixes, with origin and procedure conditions. A trader applies to
 * the agency for a permit (a quantity with a unit), the agency approves it with conditions (the
 * quantity, the validity) or refuses it; a declaration of goods that need a permit cites it as an
 * item document (the permit type's DE 2/3 code, the permit id as reference), and the release stage
 * draws the declared quantity from the permit, never below zero.
 *
 * Quantities are decimal strings and are added and compared with decimal.js, never JS numbers.
 */
import * as z from 'zod';
import { Dec, plain, ZERO } from '#shared/tariff/money.ts';
import { countryCode, type Declaration, type DeclarationItem, isoDate, partyId, quantityString } from './declaration.ts';
import { type Problem, problem } from './problems.ts';
import { plainText } from './text.ts';

/** An agency's id: its country and a short code, e.g. `GB-PHSI`. */
export const agencyId = z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,16}$/, 'must be an agency id such as "GB-PHSI"');
export const permitTypeCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'must be a permit type code such as "PLANT_HEALTH"');
/** A permit id: `PRM` and a ULID (sorts by time of application). */
export const permitId = z.string().regex(/^PRM[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a permit id such as "PRM01J..."');
const commodityPrefix = z.string().regex(/^\d{2,10}$/, 'must be a commodity code prefix of 2 to 10 digits such as "0702"');
const unitCode = z.string().regex(/^[A-Z0-9]{3}$/, 'must be a 3-character unit code such as "KGM"');

/**
 * A positive quantity with its unit (units as in the tariff: KGM kilograms, NAR items...). At most
 * 9 integer and 6 fraction digits: 15 significant digits survive a JS number exactly, which is
 * how the DynamoDB document client reads back what remains of a permit.
 */
export const permitQuantitySchema = z.strictObject({
  value: z
    .string()
    .regex(
      /^(0|[1-9]\d{0,8})(\.\d{1,6})?$/,
      'must be a decimal string of at most 9 integer and 6 fraction digits, such as "2000" or "12.5"',
    )
    .refine((value) => !/^0(\.0+)?$/.test(value), { message: 'must be more than 0' }),
  unit: unitCode,
});
export type PermitQuantity = z.infer<typeof permitQuantitySchema>;

export const permitRuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9\-_.]{0,63}$/, 'must be a rule id of letters, digits, "-", "_" or "."'),
  permitType: permitTypeCode,
  /** Items whose commodity code starts with one of these need the permit... */
  commodityPrefixes: z.array(commodityPrefix).min(1).max(500),
  /** ...unless it starts with one of these (exemptions within a chapter). */
  exceptCommodityPrefixes: z.array(commodityPrefix).max(500).default([]),
  /** Only goods originating in these countries (absent: any origin)... */
  origins: z.array(countryCode).max(300).optional(),
  /** ...and not in these. */
  exceptOrigins: z.array(countryCode).max(300).default([]),
  /** Only declarations of these types. */
  declarationTypes: z
    .array(z.enum(['IM', 'EX']))
    .min(1)
    .default(['IM']),
  /** Only these requested procedures (prefixes of DE 1/10, e.g. "40" release for free circulation); absent: any. */
  procedurePrefixes: z
    .array(z.string().regex(/^\d{1,4}$/))
    .max(100)
    .optional(),
  description: plainText(200),
  /** The legal rule that requires the permit. */
  legalBasis: plainText(300),
});
export type PermitRule = z.infer<typeof permitRuleSchema>;

/** The region's reference document `permit-rules`. */
export const permitRulesSchema = z
  .strictObject({
    agencies: z
      .array(z.strictObject({ id: agencyId, name: plainText(120) }))
      .min(1)
      .max(100),
    permitTypes: z
      .array(
        z.strictObject({
          code: permitTypeCode,
          name: plainText(120),
          agencyId,
          /** The DE 2/3 document code a declaration item cites the permit under (e.g. N851 phytosanitary certificate). */
          documentCode: z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character document code such as "N851"'),
          /** Longest validity the agency may grant, in days. */
          maxValidityDays: z.number().int().min(1).max(3660),
        }),
      )
      .min(1)
      .max(100),
    rules: z.array(permitRuleSchema).max(1000),
  })
  .superRefine((rules, context) => {
    const agencies = new Set(rules.agencies.map((agency) => agency.id));
    const types = new Set(rules.permitTypes.map((type) => type.code));
    const codes = new Set(rules.permitTypes.map((type) => type.documentCode));
    if (agencies.size !== rules.agencies.length)
      context.addIssue({ code: 'custom', path: ['agencies'], message: 'agency ids must be unique' });
    if (types.size !== rules.permitTypes.length)
      context.addIssue({ code: 'custom', path: ['permitTypes'], message: 'permit type codes must be unique' });
    if (codes.size !== rules.permitTypes.length) {
      context.addIssue({ code: 'custom', path: ['permitTypes'], message: 'each permit type needs a document code of its own' });
    }
    rules.permitTypes.forEach((type, index) => {
      if (!agencies.has(type.agencyId)) {
        context.addIssue({ code: 'custom', path: ['permitTypes', index, 'agencyId'], message: `no agency ${type.agencyId} in agencies` });
      }
    });
    rules.rules.forEach((rule, index) => {
      if (!types.has(rule.permitType)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'permitType'],
          message: `no permit type ${rule.permitType} in permitTypes`,
        });
      }
    });
  })
  .meta({ id: 'PermitRules', description: "The region's partner agencies, permit types and which goods need which permit" });
export type PermitRules = z.infer<typeof permitRulesSchema>;
export type PermitType = PermitRules['permitTypes'][number];

/** What a trader applies with. */
export const permitApplicationSchema = z
  .strictObject({
    permitType: permitTypeCode,
    /** The goods: a commodity code or a prefix of one (the permit covers codes that start with it). */
    commodityCode: commodityPrefix,
    /** The goods' origin, when the permit is for one origin only. */
    origin: countryCode.optional(),
    quantity: permitQuantitySchema,
    description: plainText(512),
  })
  .meta({ id: 'PermitApplication' });
export type PermitApplication = z.infer<typeof permitApplicationSchema>;

/** An agency's decision on an application: approve with conditions, or refuse with a reason. */
export const permitDecisionInputSchema = z
  .discriminatedUnion('decision', [
    z.strictObject({
      decision: z.literal('APPROVE'),
      /** The quantity granted (at most what was applied for, in its unit). */
      quantity: permitQuantitySchema,
      validFrom: isoDate,
      validUntil: isoDate,
      /** Conditions the goods are released under (e.g. inspection at a border control post). */
      conditions: plainText(1000).optional(),
    }),
    z.strictObject({ decision: z.literal('REFUSE'), reason: plainText(1000) }),
  ])
  .meta({ id: 'PermitDecisionInput' });
export type PermitDecisionInput = z.infer<typeof permitDecisionInputSchema>;

export const permitStatuses = ['APPLIED', 'APPROVED', 'REFUSED'] as const;

export const permitSchema = z
  .object({
    id: permitId,
    agencyId,
    permitType: permitTypeCode,
    /** The party (EORI) the permit is issued to: only its declarations may cite it. */
    holderId: partyId,
    commodityCode: commodityPrefix,
    origin: countryCode.optional(),
    description: z.string(),
    requested: permitQuantitySchema,
    status: z.enum(permitStatuses),
    appliedAt: z.string(),
    appliedBy: z.string(),
    decidedAt: z.string().optional(),
    decidedBy: z.string().optional(),
    /** Approved: the quantity granted, what is left of it, and the validity (inclusive dates). */
    granted: permitQuantitySchema.optional(),
    remaining: quantityString.optional(),
    validFrom: isoDate.optional(),
    validUntil: isoDate.optional(),
    conditions: z.string().optional(),
    refusalReason: z.string().optional(),
  })
  .meta({ id: 'Permit' });
export type Permit = z.infer<typeof permitSchema>;

/** One declaration's drawing on a permit, at release. */
export const permitDrawSchema = z.object({ declarationId: z.string(), quantity: quantityString, at: z.string() });
export type PermitDraw = z.infer<typeof permitDrawSchema>;

export const permitViewSchema = permitSchema.extend({ draws: z.array(permitDrawSchema) }).meta({ id: 'PermitView' });
export type PermitView = z.infer<typeof permitViewSchema>;
export const permitListSchema = z.object({ items: z.array(permitSchema) }).meta({ id: 'PermitList' });

/** What a validated declaration draws from one permit at release (kept on the declaration). */
export const permitCitationSchema = z.object({
  permitId,
  agencyId,
  permitType: permitTypeCode,
  quantity: quantityString,
  unit: unitCode,
  /** Where the declaration first cites it (a JSON pointer to the document's reference). */
  pointer: z.string(),
});
export type PermitCitation = z.infer<typeof permitCitationSchema>;

/** The rules an item falls under. */
export function rulesForItem(declaration: Declaration, item: DeclarationItem, rules: PermitRules): PermitRule[] {
  return rules.rules.filter(
    (rule) =>
      rule.declarationTypes.includes(declaration.type) &&
      rule.commodityPrefixes.some((prefix) => item.commodityCode.startsWith(prefix)) &&
      !rule.exceptCommodityPrefixes.some((prefix) => item.commodityCode.startsWith(prefix)) &&
      (rule.origins === undefined || rule.origins.includes(item.origin)) &&
      !rule.exceptOrigins.includes(item.origin) &&
      (rule.procedurePrefixes === undefined || rule.procedurePrefixes.some((prefix) => declaration.procedureCode.startsWith(prefix))),
  );
}

/** The ids of the permits a declaration's items cite under a permit type's document code (to read before checking). */
export function citedPermitIds(declaration: Declaration, rules: PermitRules): string[] {
  const codes = new Set(rules.permitTypes.map((type) => type.documentCode));
  const ids = declaration.items.flatMap((item) =>
    item.documents.filter((document) => codes.has(document.type)).map((document) => document.ref),
  );
  return [...new Set(ids)].filter((id) => permitId.safeParse(id).success);
}

/** The item's quantity in a unit: a declared quantity of that unit, or for kilograms its net mass. */
function quantityIn(item: DeclarationItem, unit: string): Dec | undefined {
  const declared = item.quantities.find((quantity) => quantity.unit === unit);
  if (declared) return new Dec(declared.value);
  return unit === 'KGM' ? new Dec(item.netMassKg) : undefined;
}

/**
 * Checks each item that needs a permit: it cites one (its type's document code, the permit id as
 * reference) that is the declarant's, approved, valid today, for these goods, and with enough
 * remaining for everything the declaration draws from it. Returns the problems and, when there
 * are none, what the release stage will draw from each permit.
 */
export function checkPermits(
  declaration: Declaration,
  context: { rules: PermitRules; permits: ReadonlyMap<string, Permit>; today: string },
): { problems: Problem[]; citations: PermitCitation[] } {
  const problems: Problem[] = [];
  const drawn = new Map<string, { permit: Permit; quantity: Dec; pointer: string }>();
  const typeOf = new Map(context.rules.permitTypes.map((type) => [type.code, type]));
  declaration.items.forEach((item, i) => {
    const needed = new Map<string, PermitRule>();
    for (const rule of rulesForItem(declaration, item, context.rules)) if (!needed.has(rule.permitType)) needed.set(rule.permitType, rule);
    for (const [code, rule] of needed) {
      const type = typeOf.get(code) as PermitType;
      const citedAt = item.documents.flatMap((document, j) => (document.type === type.documentCode ? [j] : []));
      if (citedAt.length === 0) {
        problems.push(
          problem(
            `/items/${i}/documents`,
            'PERMIT_REQUIRED',
            `commodity ${item.commodityCode} from ${item.origin} needs a ${type.name} (document ${type.documentCode} naming an approved permit id): ${rule.description} (${rule.legalBasis})`,
          ),
        );
        continue;
      }
      // The first citation counts; more of the same type on one item would draw twice.
      const j = citedAt[0] as number;
      const pointer = `/items/${i}/documents/${j}/ref`;
      const ref = item.documents[j]?.ref ?? '';
      const permit = context.permits.get(ref);
      const found = itemPermitProblem(declaration, item, { permit, type, ref, pointer, today: context.today });
      if (found) {
        problems.push(found);
        continue;
      }
      const approved = permit as Permit & { granted: PermitQuantity };
      const quantity = quantityIn(item, approved.granted.unit);
      if (quantity === undefined) {
        problems.push(
          problem(
            `/items/${i}/quantities`,
            'PERMIT_QUANTITY_UNDECLARED',
            `permit ${ref} is granted in ${approved.granted.unit}: declare the item's quantity in ${approved.granted.unit}`,
          ),
        );
        continue;
      }
      const before = drawn.get(ref);
      drawn.set(ref, { permit: approved, quantity: (before?.quantity ?? ZERO).plus(quantity), pointer: before?.pointer ?? pointer });
    }
  });
  for (const [ref, { permit, quantity, pointer }] of drawn) {
    const remaining = new Dec(permit.remaining ?? '0');
    if (quantity.greaterThan(remaining)) {
      problems.push(
        problem(
          pointer,
          'PERMIT_QUANTITY_INSUFFICIENT',
          `permit ${ref} has ${plain(remaining)} ${permit.granted?.unit} left; this declaration needs ${plain(quantity)}`,
        ),
      );
    }
  }
  if (problems.length > 0) return { problems, citations: [] };
  const citations = [...drawn].map(([ref, { permit, quantity, pointer }]) => ({
    permitId: ref,
    agencyId: permit.agencyId,
    permitType: permit.permitType,
    quantity: plain(quantity),
    unit: permit.granted?.unit ?? '',
    pointer,
  }));
  return { problems, citations };
}

function itemPermitProblem(
  declaration: Declaration,
  item: DeclarationItem,
  cited: { permit: Permit | undefined; type: PermitType; ref: string; pointer: string; today: string },
): Problem | undefined {
  const { permit, type, ref, pointer, today } = cited;
  // Another party's permit is reported as unknown: no existence oracle.
  if (!permit || permit.permitType !== type.code || permit.holderId !== declaration.declarant.id) {
    return problem(pointer, 'PERMIT_NOT_FOUND', `no ${type.name} ${ref} issued to ${declaration.declarant.id}`);
  }
  if (permit.status !== 'APPROVED' || !permit.granted || !permit.validFrom || !permit.validUntil) {
    return problem(pointer, 'PERMIT_NOT_APPROVED', `permit ${ref} is ${permit.status.toLowerCase()}, not approved`);
  }
  if (today < permit.validFrom) return problem(pointer, 'PERMIT_NOT_YET_VALID', `permit ${ref} is valid from ${permit.validFrom}`);
  if (today > permit.validUntil) return problem(pointer, 'PERMIT_EXPIRED', `permit ${ref} expired on ${permit.validUntil}`);
  if (!item.commodityCode.startsWith(permit.commodityCode)) {
    return problem(
      pointer,
      'PERMIT_GOODS_MISMATCH',
      `permit ${ref} covers commodity codes ${permit.commodityCode}…, not ${item.commodityCode}`,
    );
  }
  if (permit.origin !== undefined && permit.origin !== item.origin) {
    return problem(pointer, 'PERMIT_GOODS_MISMATCH', `permit ${ref} covers goods from ${permit.origin}, not ${item.origin}`);
  }
  return undefined;
}

/** The days from `from` to `until` (ISO dates), counted inclusively. */
export function validityDays(from: string, until: string): number {
  return Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
