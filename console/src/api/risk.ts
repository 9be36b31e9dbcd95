/**
 * Risk profiles over the route table: the list (with each profile's effectiveness), one profile's
 * versions, create, edit (If-Match), disable and the dry run. Every save refreshes the list and
 * the profile it changed.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import {
  createRiskProfileOperation,
  disableRiskProfileOperation,
  dryRunRiskProfileOperation,
  editRiskProfileOperation,
  getRiskProfileOperation,
  listRiskProfilesOperation,
} from '#shared/http/operations/risk-profiles.ts';
import { profileId, type RiskProfileInput } from '#shared/risk/profile.ts';
import { retry, useCall } from './hooks.ts';

export const riskKeys = {
  all: ['risk-profiles'] as const,
  profile: (id: string) => ['risk-profiles', id] as const,
};

/** Days of recent declarations a dry run looks at. */
export const DRY_RUN_DAYS = 7;

export function useRiskProfiles() {
  const api = useCall();
  return useQuery({ queryKey: riskKeys.all, queryFn: ({ signal }) => api(listRiskProfilesOperation, { signal }), retry });
}

export function useRiskProfile(id: string) {
  const api = useCall();
  return useQuery({
    queryKey: riskKeys.profile(id),
    queryFn: ({ signal }) => api(getRiskProfileOperation, { path: { id }, signal }),
    // An address that names no profile is not asked about.
    enabled: profileId.safeParse(id).success,
    retry,
  });
}

function useRefreshProfiles() {
  const client = useQueryClient();
  return useCallback(() => client.invalidateQueries({ queryKey: riskKeys.all }), [client]);
}

export function useCreateRiskProfile() {
  const api = useCall();
  const refresh = useRefreshProfiles();
  return useMutation({ mutationFn: (input: RiskProfileInput) => api(createRiskProfileOperation, { body: input }), onSuccess: refresh });
}

export function useEditRiskProfile(id: string) {
  const api = useCall();
  const refresh = useRefreshProfiles();
  return useMutation({
    mutationFn: ({ input, version }: { input: RiskProfileInput; version: number }) =>
      api(editRiskProfileOperation, { path: { id }, body: input, ifMatch: version }),
    onSuccess: refresh,
  });
}

export function useDisableRiskProfile(id: string) {
  const api = useCall();
  const refresh = useRefreshProfiles();
  return useMutation({
    mutationFn: (version: number) => api(disableRiskProfileOperation, { path: { id }, ifMatch: version }),
    onSuccess: refresh,
  });
}

export function useDryRun() {
  const api = useCall();
  return useMutation({
    mutationFn: (input: RiskProfileInput) => api(dryRunRiskProfileOperation, { query: { days: String(DRY_RUN_DAYS) }, body: input }),
  });
}
