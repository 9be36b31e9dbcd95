/**
 * Pack identity: a pack's version is "<region>-<hash>", the hash being the first 16 hex digits of
 * the SHA-256 of the pack's canonical JSON (keys sorted, no whitespace) without the `version`
 * field. Same content, same version, whatever the key order of the file; any change, a new one.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { type Problem, problem, problemsFromZod } from '#shared/domain/problems.ts';
import { type ExchangeRates, exchangeRatesSchema, type TariffPack, tariffPackSchema } from './model.ts';

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const contentHash = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/** The version a pack's content calls for. */
export function packVersion(pack: Omit<TariffPack, 'version'> | TariffPack): string {
  const { version: _ignored, ...content } = pack as TariffPack;
  return `${content.region}-${contentHash(content)}`;
}

/** The version a rate table's content calls for ("rates-<hash>"). */
export function ratesVersion(rates: Omit<ExchangeRates, 'version'> | ExchangeRates): string {
  const { version: _ignored, ...content } = rates as ExchangeRates;
  return `rates-${contentHash(content)}`;
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

function load<T>(schema: z.ZodType<T>, input: unknown, expectedVersion: (value: T) => string, version: (value: T) => string): Loaded<T> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const expected = expectedVersion(parsed.data);
  if (version(parsed.data) !== expected) {
    return {
      ok: false,
      problems: [problem('/version', 'VERSION_MISMATCH', `does not match the content: the content's version is ${expected}`)],
    };
  }
  return { ok: true, value: parsed.data };
}

/** Validates a tariff pack (for the admin API) and checks its version against its content. */
export const loadTariffPack = (input: unknown): Loaded<TariffPack> => load(tariffPackSchema, input, packVersion, (p) => p.version);

/** Validates an exchange-rate table and checks its version against its content. */
export const loadExchangeRates = (input: unknown): Loaded<ExchangeRates> =>
  load(exchangeRatesSchema, input, ratesVersion, (r) => r.version);
