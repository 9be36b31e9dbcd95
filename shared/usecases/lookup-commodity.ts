/** Look a commodity up with the measures that apply for an origin and date, and its alcohol duty tax types (traders, officers). */
import * as z from 'zod';
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { countryCode, isoDate } from '#shared/domain/declaration.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { TariffSource } from '#shared/ports/tariff-source.ts';
import { alcoholProductOf } from '#shared/tariff/alcohol-duty.ts';
import { type CommodityLookup, lookupCommodity } from '#shared/tariff/lookup.ts';

export const commodityLookupQuerySchema = z
  .strictObject({
    origin: countryCode.optional(),
    date: isoDate.optional(),
  })
  .meta({ id: 'CommodityLookupQuery' });

export async function lookUpCommodity(
  query: { principal: Principal; code: string; origin?: string | undefined; date?: string | undefined; today: string },
  deps: { tariff: TariffSource },
): Promise<CommodityLookup> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  if (!/^(\d{8}|\d{10})$/.test(query.code)) {
    throw new DomainError('BAD_REQUEST', 'Invalid commodity code', [
      problem('/code', 'INVALID_FORMAT', 'must be a commodity code of 8 or 10 digits'),
    ]);
  }
  const at = new Date(`${query.date ?? query.today}T23:59:59.999Z`).toISOString();
  const [{ pack }, alcoholDutyRates] = await Promise.all([
    deps.tariff.asOf(at),
    alcoholProductOf(query.code) ? deps.tariff.alcoholDutyRatesAsOf(at) : undefined,
  ]);
  const found = lookupCommodity(pack, query.code, {
    date: query.date ?? query.today,
    alcoholDutyRates,
    ...(query.origin ? { origin: query.origin } : {}),
  });
  if (!found)
    throw new DomainError('NOT_FOUND', 'Not found', [
      problem('/code', 'UNKNOWN_TARIFF_CODE', `commodity code ${query.code} is not in the tariff`),
    ]);
  return found;
}
