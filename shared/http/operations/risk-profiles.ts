/** Risk profiles: officers and administrators manage them without a deployment. */
import * as z from 'zod';
import { defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { dryRunResultSchema } from '#shared/risk/dry-run-result.ts';
import { profileId, riskProfileInputSchema, riskProfileSchema } from '#shared/risk/profile.ts';
import { ifMatchHeader } from './parameters.ts';

const riskProfilePath = z.strictObject({ id: profileId });
/** How well a profile selects (the counts `RiskProfileStore.effectiveness` keeps). */
const profileEffectivenessSchema = z
  .object({
    selections: z.number().int().meta({ description: 'Declarations whose scoring this profile matched' }),
    inspections: z.number().int().meta({ description: 'Of those, inspections an officer recorded' }),
    hits: z.number().int().meta({ description: 'Inspections that found a discrepancy' }),
  })
  .meta({ id: 'RiskProfileEffectiveness' });
/** Risk profiles are small documents; the profile schema bounds their depth and size again. */
const riskProfileBody = { kind: 'json', documentedAs: riskProfileInputSchema, maxBytes: 64 * 1024 } as const;

export const createRiskProfileOperation = defineOperation({
  operationId: 'createRiskProfile',
  method: 'POST',
  path: '/v1/admin/risk-profiles',
  summary: 'Create a risk profile (officer, admin)',
  roles: ['officer', 'admin'],
  body: riskProfileBody,
  responses: { 201: { description: 'Version 1', schema: riskProfileSchema } },
  problems: { 409: 'A profile with this id exists already', 413: 'Body too large', 415: 'Body is not JSON' },
});

export const listRiskProfilesOperation = defineOperation({
  operationId: 'listRiskProfiles',
  method: 'GET',
  path: '/v1/admin/risk-profiles',
  summary: 'The current version of every risk profile, by id, and how well each selects (officer, admin)',
  roles: ['officer', 'admin'],
  responses: {
    200: {
      description: 'The profiles and, per profile id, its effectiveness',
      schema: z
        .object({ items: z.array(riskProfileSchema), effectiveness: z.record(profileId, profileEffectivenessSchema) })
        .meta({ id: 'RiskProfileList' }),
    },
  },
});

export const getRiskProfileOperation = defineOperation({
  operationId: 'getRiskProfile',
  method: 'GET',
  path: '/v1/admin/risk-profiles/{id}',
  summary: 'Every version of a risk profile, oldest first, and how well it selects: selections, inspections, hits (officer, admin)',
  roles: ['officer', 'admin'],
  pathParameters: riskProfilePath,
  responses: {
    200: {
      description: 'The versions and the effectiveness',
      schema: z
        .object({ items: z.array(riskProfileSchema), effectiveness: profileEffectivenessSchema })
        .meta({ id: 'RiskProfileVersions' }),
    },
  },
  problems: { 404: 'No such profile' },
});

export const editRiskProfileOperation = defineOperation({
  operationId: 'editRiskProfile',
  method: 'PUT',
  path: '/v1/admin/risk-profiles/{id}',
  summary: 'Edit a risk profile: saved as a new version; If-Match: "<version>" guards concurrent edits (officer, admin)',
  roles: ['officer', 'admin'],
  pathParameters: riskProfilePath,
  headers: [ifMatchHeader],
  body: riskProfileBody,
  responses: { 200: { description: 'The new version', schema: riskProfileSchema } },
  problems: {
    404: 'No such profile',
    409: 'Another edit saved the same version first',
    412: 'If-Match names a version that is no longer current',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});

export const disableRiskProfileOperation = defineOperation({
  operationId: 'disableRiskProfile',
  method: 'POST',
  path: '/v1/admin/risk-profiles/{id}/disable',
  summary: 'Disable a risk profile: a new version with enabled false (officer, admin)',
  roles: ['officer', 'admin'],
  pathParameters: riskProfilePath,
  headers: [ifMatchHeader],
  responses: { 200: { description: 'The new version', schema: riskProfileSchema } },
  problems: {
    404: 'No such profile',
    409: 'Another edit saved the same version first',
    412: 'If-Match names a version that is no longer current',
  },
});

export const dryRunRiskProfileOperation = defineOperation({
  operationId: 'dryRunRiskProfile',
  method: 'POST',
  path: '/v1/admin/risk-profiles/dry-run',
  summary: 'How many recent declarations a draft profile would select (officer, admin)',
  roles: ['officer', 'admin'],
  query: z.strictObject({ days: queryInteger(1, 90).default(7), limit: queryInteger(1, 5000).default(1000) }),
  body: riskProfileBody,
  responses: {
    200: {
      description: 'The dry-run result and the days it covers',
      schema: dryRunResultSchema
        .extend({ window: z.object({ from: z.string().meta({ description: 'First day (UTC)' }), to: z.string() }) })
        .meta({ id: 'RiskDryRunWindowResult' }),
    },
  },
  problems: { 413: 'Body too large', 415: 'Body is not JSON' },
});
