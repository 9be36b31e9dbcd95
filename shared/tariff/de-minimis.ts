/**
 * De minimis relief: when the consignment's intrinsic value (the goods' price, without transport
 * and insurance) in the national currency does not exceed the region's threshold, the tax types
 * the region names are relieved (their lines are kept, at 0.00) and the assessment says why.
 */
import { type Problem, problem } from '#shared/domain/problems.ts';
import { type RateIndex, rateFor } from './exchange.ts';
import type { DeMinimis } from './model.ts';
import { Dec, formatMoney } from './money.ts';

export interface DeMinimisRelief {
  /** The tax types relieved. */
  readonly relieved: ReadonlySet<string>;
  /** The relief as the assessment lists it (`reliefs`). */
  readonly note: string;
}

/**
 * The relief for an intrinsic value (national currency): undefined when the value exceeds the
 * threshold; a problem when the threshold's currency has no rate for the month.
 */
export function deMinimisRelief(
  dm: DeMinimis,
  intrinsic: Dec,
  rates: RateIndex,
  period: string,
  national: string,
): { ok: true; relief: DeMinimisRelief | undefined } | { ok: false; problems: Problem[] } {
  let threshold: Dec | undefined = new Dec(dm.thresholdValue);
  if (dm.currency !== national) {
    const r = rateFor(rates, dm.currency, period);
    threshold = r ? threshold.times(r.rate) : undefined;
  }
  if (!threshold) {
    return {
      ok: false,
      problems: [
        problem(
          '',
          'EXCHANGE_RATE_NOT_FOUND',
          `no ${dm.currency} to ${national} exchange rate for ${period}, needed for the de minimis threshold`,
        ),
      ],
    };
  }
  if (!intrinsic.lte(threshold)) return { ok: true, relief: undefined };
  return {
    ok: true,
    relief: {
      relieved: new Set(dm.appliesTo),
      note: `de minimis: intrinsic value ${formatMoney(intrinsic, national)} does not exceed ${formatMoney(threshold, national)}; relieved: ${[...dm.appliesTo].sort().join(', ')}`,
    },
  };
}
