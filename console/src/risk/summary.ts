/** A risk profile in a few words: what it matches, what it does, how well it selects. */
import type { Criterion, LeafCriterion, ProfileOutcome } from '#shared/risk/profile.ts';
import { transportModes } from '../format.ts';

const MAX_VALUES = 4;

/** The first values of a list, and how many more there are. */
function values(list: readonly string[]): string {
  const shown = list.slice(0, MAX_VALUES).join(', ');
  return list.length > MAX_VALUES ? `${shown} (+${list.length - MAX_VALUES} more)` : shown;
}

function leaf(criterion: LeafCriterion): string {
  switch (criterion.kind) {
    case 'commodityCode':
      return `commodity ${values(criterion.prefixes)}`;
    case 'origin':
      return `origin ${values(criterion.countries)}`;
    case 'exporterCountry':
      return `exporter in ${values(criterion.countries)}`;
    case 'loadingCountry':
      return `loaded in ${values(criterion.countries)}`;
    case 'declarant':
      return `declarant ${values(criterion.ids)}`;
    case 'importer':
      return `importer ${values(criterion.ids)}`;
    case 'office':
      return `office ${values(criterion.offices)}`;
    case 'procedureCode':
      return `procedure ${values(criterion.codes)}`;
    case 'transportMode':
      return `by ${values(criterion.modes.map((mode) => transportModes[mode]?.toLowerCase() ?? mode))}`;
    case 'declarationType':
      return `type ${values(criterion.types)}`;
    case 'preferenceClaimed':
      return 'a preference claimed';
    case 'additionalCode':
      return `additional code ${values(criterion.codes)}`;
    case 'valuePerKg':
      // Amounts in the national currency, which the criterion does not name.
      return [
        criterion.below !== undefined ? `value per kg below ${criterion.below}` : undefined,
        criterion.above !== undefined ? `value per kg above ${criterion.above}` : undefined,
      ]
        .filter(Boolean)
        .join(' and ')
        .concat(' (national currency)');
    case 'valueToReference':
      return `value below ${criterion.belowPercent}% of the usual`;
    case 'traderDeclarations':
      return criterion.fewerThan === 1 ? 'a first-time trader' : `a trader with fewer than ${criterion.fewerThan} declarations`;
    case 'trustedTrader':
      return 'a trusted trader or AEO';
  }
}

/** "commodity 7202 and (origin CN or origin RU)": and / or nested in another are bracketed. */
export function describeCriteria(criterion: Criterion, nested = false): string {
  if (criterion.kind === 'and' || criterion.kind === 'or') {
    const text = criterion.of.map((child) => describeCriteria(child, true)).join(` ${criterion.kind} `);
    return nested && criterion.of.length > 1 ? `(${text})` : text;
  }
  if (criterion.kind === 'not') return `not ${describeCriteria(criterion.of, true)}`;
  return leaf(criterion);
}

export function describeOutcome(outcome: ProfileOutcome): string {
  return 'lane' in outcome ? `${outcome.lane} lane` : `score ${outcome.score > 0 ? '+' : ''}${outcome.score}`;
}

const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });

/** Hits per inspection as a percentage; "—" when nothing was inspected (no rate to speak of). */
export function hitRate(effectiveness: { inspections: number; hits: number }): string {
  return effectiveness.inspections === 0 ? '—' : percent.format(effectiveness.hits / effectiveness.inspections);
}
