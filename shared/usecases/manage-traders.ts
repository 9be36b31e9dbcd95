/** Administrators record a trader's AEO and trusted-trader status; the history is kept by the platform. */
import * as z from 'zod';
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { partyId } from '#shared/domain/declaration.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { plainText } from '#shared/domain/text.ts';
import type { TraderProfileStore } from '#shared/ports/risk-stores.ts';
import { aeoStatusSchema, type TraderProfile } from '#shared/risk/trader.ts';

export const traderStatusInputSchema = z
  .strictObject({
    name: plainText(70).optional(),
    aeo: aeoStatusSchema.nullable(),
    trusted: z.boolean(),
  })
  .meta({ id: 'TraderStatusInput' });
export type TraderStatusInput = z.infer<typeof traderStatusInputSchema>;

export async function setTraderStatus(
  command: { principal: Principal; partyId: string; input: TraderStatusInput },
  deps: { traders: TraderProfileStore },
): Promise<TraderProfile> {
  requireRole(command.principal, 'admin');
  const id = partyId.safeParse(command.partyId);
  if (!id.success)
    throw new DomainError('BAD_REQUEST', 'Invalid party', [
      problem('/partyId', 'INVALID_FORMAT', 'must be an EORI number such as "GB123456789000"'),
    ]);
  // Only the status fields change: the history the platform counts is left as it is.
  return deps.traders.setStatus(id.data, command.input);
}

export async function getTraderProfile(
  query: { principal: Principal; partyId: string },
  deps: { traders: TraderProfileStore },
): Promise<TraderProfile> {
  requireRole(query.principal, 'officer', 'admin');
  const trader = await deps.traders.get(query.partyId);
  if (!trader) throw new DomainError('NOT_FOUND', 'Not found', [problem('', 'TRADER_NOT_FOUND', `no trader profile for ${query.partyId}`)]);
  return trader;
}
