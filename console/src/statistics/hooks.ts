/** The statistics pages' data: the period's clearance counters and the profiles that select most. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { clearanceStatisticsOperation, profileSelectionsOperation } from '#shared/http/operations/stats.ts';
import { retry, useCall } from '../api/hooks.ts';

export interface Period {
  from?: string | undefined;
  to?: string | undefined;
}

export function useClearanceStatistics(period: Period) {
  const api = useCall();
  return useQuery({
    queryKey: ['stats', 'clearance', period.from ?? null, period.to ?? null],
    queryFn: ({ signal }) => api(clearanceStatisticsOperation, { query: { from: period.from, to: period.to }, signal }),
    placeholderData: keepPreviousData,
    // Counters move as declarations do: a minute-old figure is fresh enough for a dashboard.
    refetchInterval: 60_000,
    retry,
  });
}

export function useProfileSelections() {
  const api = useCall();
  return useQuery({
    queryKey: ['stats', 'risk-profiles'],
    queryFn: ({ signal }) => api(profileSelectionsOperation, { query: { limit: '10' }, signal }),
    refetchInterval: 60_000,
    retry,
  });
}
