/** Administrators record a trader's AEO and trusted-trader status; the history is kept by the platform. */
import { z } from 'zod';
import { requireRole, type Principal } from '../domain/auth.ts';
import { partyId } from '../domain/declaration.ts';
import { DomainError, problem, problemsFromZod } from '../domain/problems.ts';
import { aeoStatusSchema, newTraderProfile, type TraderProfile } from '../risk/trader.ts';
import type { TraderProfileStore } from './risk-ports.ts';

export const traderStatusInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(70).optional(),
    aeo: aeoStatusSchema.nullable(),
    trusted: z.boolean(),
  })
  .meta({ id: 'TraderStatusInput' });

export async function setTraderStatus(
  command: { principal: Principal; partyId: string; body: unknown },
  deps: { traders: TraderProfileStore },
): Promise<TraderProfile> {
  requireRole(command.principal, 'admin');
  const id = partyId.safeParse(command.partyId);
  if (!id.success) throw new DomainError('BAD_REQUEST', 'Invalid party', [problem('/partyId', 'INVALID_FORMAT', 'must be an EORI number such as "GB123456789000"')]);
  const input = traderStatusInputSchema.safeParse(command.body, { reportInput: true });
  if (!input.success) throw new DomainError('BAD_REQUEST', 'Invalid trader status', problemsFromZod(input.error));
  const current = (await deps.traders.get(id.data)) ?? newTraderProfile(id.data, input.data.name);
  const updated: TraderProfile = { ...current, ...input.data };
  await deps.traders.put(updated);
  return updated;
}

export async function getTraderProfile(query: { principal: Principal; partyId: string }, deps: { traders: TraderProfileStore }): Promise<TraderProfile> {
  requireRole(query.principal, 'officer', 'admin');
  const trader = await deps.traders.get(query.partyId);
  if (!trader) throw new DomainError('NOT_FOUND', 'Not found', [problem('', 'TRADER_NOT_FOUND', `no trader profile for ${query.partyId}`)]);
  return trader;
}
