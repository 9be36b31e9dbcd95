/** The tariff over the route table: a commodity's measures for an origin and date, and duty estimates. */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { Declaration } from '#shared/domain/declaration.ts';
import { estimateDutyOperation, lookUpCommodityOperation } from '#shared/http/operations/tariff.ts';
import { retry, useCall } from './hooks.ts';

export interface CommodityQuery {
  code: string;
  origin?: string | undefined;
  date?: string | undefined;
}

export function useCommodity(query: CommodityQuery | undefined) {
  const api = useCall();
  return useQuery({
    queryKey: ['commodity', query?.code ?? null, query?.origin ?? null, query?.date ?? null],
    queryFn: ({ signal }) =>
      api(lookUpCommodityOperation, { path: { code: query?.code ?? '' }, query: { origin: query?.origin, date: query?.date }, signal }),
    enabled: query !== undefined,
    retry,
    staleTime: 5 * 60_000,
  });
}

export function useDutyEstimate() {
  const api = useCall();
  return useMutation({ mutationFn: (declaration: Declaration) => api(estimateDutyOperation, { body: declaration }) });
}
