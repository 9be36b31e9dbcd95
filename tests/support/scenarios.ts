/** Pieces several tests share: how a refusal looks, the RED-lane goods, random selection off. */
import { demoSelection, demoThresholds } from '#demo/risk-seed.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { DomainError } from '#shared/domain/problems.ts';
import type { RiskSettings } from '#shared/risk/settings.ts';

/** The DomainError a promise rejects with, as its kind and first problem (fails the test if it resolves or throws anything else). */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ kind: string; code: string | undefined; pointer: string | undefined; message: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return {
    kind: error.kind,
    code: error.problems[0]?.code,
    pointer: error.problems[0]?.pointer,
    message: error.problems[0]?.message ?? '',
  };
}

/** Ferro-silicon from China: the demo anti-dumping profile sends it to the RED lane. */
export const ferroSilicon = (d: DeclarationInput): void => {
  d.items[0] = { ...d.items[0]!, commodityCode: '7202210000', description: 'Ferro-silicon, containing by weight more than 55% of silicon' };
};

/**
 * Ferro-silicon from China (the demo anti-dumping profile: RED), priced CIF in pounds so that the
 * customs value is the invoice amount: 5,000.00, duty 0 %, VAT 20 % = 1,000.00.
 */
export const ferroSiliconCif = (d: DeclarationInput): void => {
  ferroSilicon(d);
  d.valuation = { currency: 'GBP', incoterm: 'CIF', invoiceTotal: '5000.00' };
  d.items[0] = { ...d.items[0]!, invoiceAmount: '5000.00' };
};

/** Random selection switched off, so lanes come from the criteria alone and tests are deterministic. */
export const noRandomSelection: RiskSettings = {
  selection: {
    ...demoSelection,
    default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
    offices: {},
  },
  thresholds: demoThresholds,
};
