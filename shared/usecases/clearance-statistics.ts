/**
 * Clearance statistics: the stages count lanes (risk stage) and releases (release stage, officers'
 * decisions) into pre-aggregated counters, and
 * `GET /v1/stats/clearance` reads a period's counters (never the declarations).
 *
 * Each event is counted once: a marker on the declaration (`markOnce`) guards its count, so a
 * redelivered message or a repeated decision counts nothing again. A worker that dies between
 * marker and count loses that count (at most once, as the risk stage's counts); inside an SQS
 * invocation the additions of its records to one counter are one write (the adapter), so a crash
 * there, or a write that timed out, loses those records' counts together.
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { type ClearanceStatistics, type ProfileSelection, summarise } from '#shared/domain/clearance-statistics.ts';
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { ClearanceCounters } from '#shared/ports/clearance-counters.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationWriter } from '#shared/ports/declarations.ts';
import type { RiskProfileStore } from '#shared/ports/risk-stores.ts';
import { listRiskProfiles } from './manage-risk-profiles.ts';

/** A period is at most this long: a month of days is read in 30 batch reads. */
export const maxStatisticsDays = 31;

export interface CountingDeps {
  repository: Pick<DeclarationWriter, 'markOnce'>;
  counters: ClearanceCounters;
  clock: Clock;
}

/**
 * Counts a release, on its day, with its time from lodgement (once; revenue is counted by the
 * ledger as it is booked, shared/domain/ledger-revenue.ts):
 * called with the state after the release, by whichever path released it (and again by a retry,
 * which counts only what the first attempt did not).
 */
export async function countRelease(state: DeclarationState, deps: CountingDeps): Promise<void> {
  if (state.status !== 'RELEASED' || !state.releasedAt) return;
  if (!(await deps.repository.markOnce(state.id, 'releaseCountedAt', deps.clock.now().toISOString()))) return;
  await deps.counters.add({
    kind: 'release',
    day: state.releasedAt.slice(0, 10),
    shardOf: state.id,
    lane: state.lane ?? 'RED',
    milliseconds: Math.max(0, Date.parse(state.releasedAt) - Date.parse(state.submittedAt)),
  });
}

const dayMilliseconds = 86_400_000;

/** The UTC days from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let time = Date.parse(`${from}T00:00:00Z`); time <= Date.parse(`${to}T00:00:00Z`); time += dayMilliseconds) {
    days.push(new Date(time).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * GET /v1/stats/clearance?from=&to=: a period's declarations by lane, release times and the
 * revenue booked each day (officers, admins).
 */
export async function readClearanceStatistics(
  query: { principal: Principal; from?: string | undefined; to?: string | undefined },
  deps: { counters: ClearanceCounters; clock: Clock; nationalCurrency: string },
): Promise<ClearanceStatistics> {
  requireRole(query.principal, 'officer', 'admin');
  const today = deps.clock.now().toISOString().slice(0, 10);
  const to = query.to ?? today;
  const from = query.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * dayMilliseconds).toISOString().slice(0, 10);
  if (from > to) throw new DomainError('BAD_REQUEST', 'Invalid period', [problem('/from', 'PERIOD_REVERSED', 'from must not be after to')]);
  const days = daysBetween(from, to);
  if (days.length > maxStatisticsDays) {
    throw new DomainError('BAD_REQUEST', 'Invalid period', [
      problem('/from', 'PERIOD_TOO_LONG', `a period holds at most ${maxStatisticsDays} days; this one holds ${days.length}`),
    ]);
  }
  return summarise(from, to, await deps.counters.readDays(days), deps.nationalCurrency);
}

/**
 * GET /v1/stats/risk-profiles?limit=: the profiles that select most, with their hit rates (the
 * profile list with its effectiveness counters, sorted by selections).
 */
export async function readProfileSelections(
  query: { principal: Principal; limit: number },
  deps: { profiles: RiskProfileStore },
): Promise<{ items: ProfileSelection[] }> {
  const { items, effectiveness } = await listRiskProfiles(query, deps);
  const selections = items.map((profile): ProfileSelection => {
    const { selections, inspections, hits } = effectiveness[profile.id] ?? { selections: 0, inspections: 0, hits: 0 };
    return {
      id: profile.id,
      name: profile.name,
      enabled: profile.enabled,
      lane: 'lane' in profile.outcome ? profile.outcome.lane : null,
      selections,
      inspections,
      hits,
      hitRate: inspections === 0 ? null : hits / inspections,
    };
  });
  selections.sort((a, b) => b.selections - a.selections || a.id.localeCompare(b.id));
  return { items: selections.slice(0, query.limit) };
}
