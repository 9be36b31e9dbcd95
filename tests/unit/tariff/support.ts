/**
 * Small hand-made packs, rate tables and declarations for the tariff tests.
 */
import { type Declaration, type DeclarationInput, declarationSchema } from '#shared/domain/declaration.ts';
import { parseExpression } from '#shared/tariff/expression.ts';
import type { DutyExpression, ExchangeRates, Measure, TariffPack } from '#shared/tariff/model.ts';
import { packVersion, ratesVersion } from '#shared/tariff/pack.ts';

/** A duty expression from its text ("13.80% MIN 13.00 GBP / 100 kg"); throws if it does not parse. */
export function duty(text: string): DutyExpression {
  const parsed = parseExpression(text);
  if (!parsed.ok) throw new Error(`test duty "${text}": ${parsed.reason}`);
  return parsed.duty;
}

let sequence = 0;
/** A measure with defaults: third-country duty, ERGA OMNES, from 2021-01-01, from a document. */
export function measure(partial: Partial<Measure> & { duty?: DutyExpression }): Measure {
  sequence += 1;
  return { id: `m${sequence}`, type: '103', area: '1011', from: '2021-01-01', source: 'uk-api', ...partial };
}

/** A pack with the given commodities (code -> measures), UK VAT rates and a few areas. */
export function makePack(commodities: Record<string, Measure[]>, extra: Partial<Omit<TariffPack, 'version'>> = {}): TariffPack {
  const content: Omit<TariffPack, 'version'> = {
    format: 'customs-clearance/tariff-pack@1',
    region: 'GB',
    currency: 'GBP',
    nomenclature: 'test',
    validFrom: '2021-01-01',
    sources: [],
    measureTypes: { '103': { description: 'Third country duty' } },
    countries: { CN: 'China', CA: 'Canada', US: 'United States', JP: 'Japan', DE: 'Germany' },
    geographicalAreas: {
      '1013': { description: 'European Union', members: ['AT', 'BE', 'DE', 'FR'] },
      '2005': { description: 'GSP – Least Developed Countries', members: ['AF', 'BD'] },
    },
    vat: { standard: 'VAT', rates: { VAT: '20', VATR: '5', VATZ: '0' } },
    commodities: Object.fromEntries(
      Object.entries(commodities).map(([code, measures]) => [code, { description: `commodity ${code}`, measures }]),
    ),
    unparsed: [],
    unsupported: [],
    report: { ukgt: { rows: 0, parsed: 0, measures: 0, shapes: [] }, documents: [], warnings: [] },
    ...extra,
  };
  return { ...content, version: packVersion(content) };
}

export function makeRates(rates: Array<{ currency: string; period: string; rate: string }> = []): ExchangeRates {
  const content: Omit<ExchangeRates, 'version'> = {
    format: 'customs-clearance/exchange-rates@1',
    nationalCurrency: 'GBP',
    rates: rates.map((r) => ({ ...r, source: 'test' })),
    notes: [],
  };
  return { ...content, version: ratesVersion(content) };
}

export type ItemInput = Partial<DeclarationInput['items'][number]>;

/** A valid import declaration with the given items (defaults: 1 item, GBP, FOB, no freight). */
export function declaration(items: ItemInput[], valuation: Partial<DeclarationInput['valuation']> = {}): Declaration {
  const input: DeclarationInput = {
    lrn: 'TEST-1',
    type: 'IM',
    procedureCode: '4000',
    office: 'GBLHR',
    declarant: { id: 'GB123456789000', name: 'Acme Imports Ltd' },
    importer: { id: 'GB123456789000', name: 'Acme Imports Ltd', country: 'GB' },
    exporter: { name: 'Exporter Co', country: 'CN' },
    consignment: {
      transportMode: '4',
      transportDocument: { type: 'N741', ref: '176-12345675' },
      loadingLocation: 'CNSZX',
      arrivalDate: '2021-06-15',
      grossMassKg: '100',
    },
    valuation: { currency: 'GBP', incoterm: 'FOB', invoiceTotal: '0', ...valuation },
    items: items.map((item) => ({
      commodityCode: '1234567890',
      description: 'Test goods',
      origin: 'CN',
      preference: '100',
      netMassKg: '100',
      invoiceAmount: '1000',
      ...item,
    })),
  };
  return declarationSchema.parse(input);
}

export const ACCEPTED = '2021-06-15';
