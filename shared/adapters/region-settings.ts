import { deMinimisSchema } from '../tariff/model.ts';
import type { RegionTaxSettings } from '../usecases/assess-duty.ts';

/** Region settings a function receives in its environment (infra/config/environment.ts). */
export function regionFromEnvironment(env: NodeJS.ProcessEnv = process.env): RegionTaxSettings & { customsOffices: string[]; country: string } {
  return {
    nationalCurrency: env.NATIONAL_CURRENCY ?? 'GBP',
    country: env.CUSTOMS_COUNTRY ?? 'GB',
    customsOffices: (env.CUSTOMS_OFFICES ?? '').split(',').filter(Boolean),
    deMinimis: env.DE_MINIMIS ? deMinimisSchema.parse(JSON.parse(env.DE_MINIMIS)) : undefined,
  };
}
