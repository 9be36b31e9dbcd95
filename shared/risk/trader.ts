/**
 * Trader profile: authorised economic operator (AEO) or trusted-trader status and a compliance
 * history that officers build up by recording inspection results. It lowers or raises the risk
 * score; it never sets a lane by itself (a RED profile still sends an AEO's goods to RED).
 *
 * Default weights (`defaultTraderWeights`), applied in this order and added to the score:
 *
 * | what | score |
 * |---|---|
 * | AEOF (full: customs simplifications + security and safety) | -30 |
 * | AEOC (customs simplifications) | -20 |
 * | AEOS (security and safety) | -10 |
 * | trusted trader (national scheme) without a stronger AEO weight | -15 |
 * | discrepancy rate >= 25 % over at least 5 recorded inspections | +40 |
 * | discrepancy rate >= 10 % over at least 5 recorded inspections | +20 |
 * | clean record: at least 10 inspections, no discrepancy | -10 |
 *
 * Status weights do not add up: a trusted AEOF gets the single strongest reduction (-30).
 * Fewer than 5 inspections is too small a sample to judge: no history weight. A first-time
 * trader is left to the officers' profiles (`traderDeclarations` criterion), not weighted here.
 */
import * as z from 'zod';
import { type Declaration, partyId } from '#shared/domain/declaration.ts';
import type { RiskReason } from './outcome.ts';

export const aeoStatuses = ['AEOF', 'AEOC', 'AEOS'] as const;
export const aeoStatusSchema = z.enum(aeoStatuses);
export type AeoStatus = z.infer<typeof aeoStatusSchema>;

const aeoNames: Record<AeoStatus, string> = {
  AEOF: 'authorised economic operator, full',
  AEOC: 'authorised economic operator, customs simplifications',
  AEOS: 'authorised economic operator, security and safety',
};

const instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const traderProfileSchema = z
  .object({
    partyId,
    name: z.string().trim().min(1).max(70).optional(),
    aeo: aeoStatusSchema.nullable(),
    /** Member of a national trusted-trader scheme. */
    trusted: z.boolean(),
    /** Declarations lodged before the one being scored (the worker counts a declaration after scoring it). */
    declarationsCount: z.number().int().nonnegative(),
    /** Inspections whose result an officer recorded. */
    inspections: z.number().int().nonnegative(),
    /** Recorded inspections that found a discrepancy (goods, value, origin, documents...). */
    discrepancies: z.number().int().nonnegative(),
    firstSeen: instant.nullable(),
    lastSeen: instant.nullable(),
  })
  .refine((t) => t.discrepancies <= t.inspections, { message: 'must not exceed inspections', path: ['discrepancies'] })
  .meta({ id: 'TraderProfile', description: 'AEO / trusted status and compliance history of a trader' });
export type TraderProfile = z.infer<typeof traderProfileSchema>;

export const traderWeightsSchema = z
  .object({
    aeo: z.record(aeoStatusSchema, z.number()),
    trusted: z.number(),
    /** Inspections needed before the discrepancy rate counts. */
    minInspections: z.number().int().min(1),
    /** Highest tier first: the first whose rate is reached applies. */
    discrepancyTiers: z.array(z.object({ atLeastPercent: z.number().min(0).max(100), scoreDelta: z.number() })).max(10),
    cleanRecord: z.object({ minInspections: z.number().int().min(1), scoreDelta: z.number() }),
  })
  .meta({ id: 'TraderWeights' });
export type TraderWeights = z.infer<typeof traderWeightsSchema>;

export const defaultTraderWeights: TraderWeights = {
  aeo: { AEOF: -30, AEOC: -20, AEOS: -10 },
  trusted: -15,
  minInspections: 5,
  discrepancyTiers: [
    { atLeastPercent: 25, scoreDelta: 40 },
    { atLeastPercent: 10, scoreDelta: 20 },
  ],
  cleanRecord: { minInspections: 10, scoreDelta: -10 },
};

/** Which party's trader profile scores a declaration, and how reasons name it. */
export function traderParty(declaration: Declaration): { role: 'importer' | 'exporter' | 'declarant'; id: string } {
  if (declaration.type === 'IM' && declaration.importer.id !== undefined) return { role: 'importer', id: declaration.importer.id };
  if (declaration.type === 'EX' && declaration.exporter.id !== undefined) return { role: 'exporter', id: declaration.exporter.id };
  return { role: 'declarant', id: declaration.declarant.id };
}

export interface TraderAdjustment {
  scoreDelta: number;
  reasons: RiskReason[];
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const percent = (part: number, whole: number): string => `${Math.round((part / whole) * 100)}%`;

/** How the trader profile changes the score, with one reason per weight applied. */
export function traderAdjustment(
  trader: TraderProfile | undefined,
  role: 'importer' | 'exporter' | 'declarant',
  weights: TraderWeights = defaultTraderWeights,
): TraderAdjustment {
  if (trader === undefined) return { scoreDelta: 0, reasons: [] };
  const reasons: RiskReason[] = [];
  const who = `${role} ${trader.partyId}${trader.name === undefined ? '' : ` (${trader.name})`}`;

  // Status: the single strongest reduction of AEO and trusted-trader status (they do not add up).
  const statuses: Array<{ delta: number; what: string }> = [];
  if (trader.aeo !== null) statuses.push({ delta: weights.aeo[trader.aeo], what: `${trader.aeo} (${aeoNames[trader.aeo]})` });
  if (trader.trusted) statuses.push({ delta: weights.trusted, what: 'a trusted trader' });
  const status = statuses.filter((s) => s.delta !== 0).sort((a, b) => a.delta - b.delta)[0];
  if (status !== undefined) {
    reasons.push({ kind: 'TRADER', scoreDelta: status.delta, text: `${who} is ${status.what}: ${signed(status.delta)}` });
  }

  if (trader.inspections >= weights.minInspections) {
    const rate = (trader.discrepancies / trader.inspections) * 100;
    const tier = weights.discrepancyTiers.find((t) => rate >= t.atLeastPercent);
    const figures = `${trader.discrepancies} discrepanc${trader.discrepancies === 1 ? 'y' : 'ies'} in ${trader.inspections} recorded inspections (${percent(trader.discrepancies, trader.inspections)})`;
    if (tier !== undefined && tier.scoreDelta !== 0) {
      reasons.push({
        kind: 'TRADER',
        scoreDelta: tier.scoreDelta,
        text: `${who} compliance history: ${figures}, at least ${tier.atLeastPercent}%: ${signed(tier.scoreDelta)}`,
      });
    } else if (
      trader.discrepancies === 0 &&
      trader.inspections >= weights.cleanRecord.minInspections &&
      weights.cleanRecord.scoreDelta !== 0
    ) {
      reasons.push({
        kind: 'TRADER',
        scoreDelta: weights.cleanRecord.scoreDelta,
        text: `${who} compliance history: ${figures}: ${signed(weights.cleanRecord.scoreDelta)}`,
      });
    }
  }
  return { scoreDelta: reasons.reduce((sum, r) => sum + (r.scoreDelta ?? 0), 0), reasons };
}

/** A new trader profile for a party seen for the first time. */
export function newTraderProfile(id: string, name?: string): TraderProfile {
  return {
    partyId: id,
    ...(name === undefined ? {} : { name }),
    aeo: null,
    trusted: false,
    declarationsCount: 0,
    inspections: 0,
    discrepancies: 0,
    firstSeen: null,
    lastSeen: null,
  };
}

/** The profile after one more declaration (call after scoring it, so it scores as "previous declarations"). */
export function recordDeclaration(trader: TraderProfile, at: string): TraderProfile {
  return { ...trader, declarationsCount: trader.declarationsCount + 1, firstSeen: trader.firstSeen ?? at, lastSeen: at };
}

/** The profile after an officer records an inspection result. */
export function recordInspection(trader: TraderProfile, result: { discrepancy: boolean }): TraderProfile {
  return { ...trader, inspections: trader.inspections + 1, discrepancies: trader.discrepancies + (result.discrepancy ? 1 : 0) };
}
