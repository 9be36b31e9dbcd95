/** Administration: reference documents, trader status, valuation references (risk profiles: `risk-profiles.ts`). */
import * as z from 'zod';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { signingKeyListSchema } from '#shared/domain/signing-keys.ts';
import { defineOperation, queryInteger } from '#shared/http/operation-spec.ts';
import { referenceDocumentNames } from '#shared/http/reference-kinds.ts';
import { riskSettingsSchema } from '#shared/risk/settings.ts';
import { traderProfileSchema } from '#shared/risk/trader.ts';
import { valuationReferenceTableSchema } from '#shared/risk/valuation.ts';
import { alcoholDutyRatesSchema } from '#shared/tariff/alcohol-duty-rates.ts';
import { exchangeRatesSchema, tariffPackSchema } from '#shared/tariff/model.ts';
import { traderStatusInputSchema } from '#shared/usecases/manage-traders.ts';
import { declarationPath, partyPath } from './parameters.ts';

const referenceDocumentPath = z.strictObject({ kind: z.enum(referenceDocumentNames) });

export const loadReferenceDocumentOperation = defineOperation({
  operationId: 'loadReferenceDocument',
  method: 'PUT',
  path: '/v1/admin/reference-documents/{kind}',
  summary: 'Load a new version of a reference document (admin); Content-Encoding: gzip accepted',
  roles: ['admin'],
  pathParameters: referenceDocumentPath,
  // A whole tariff pack is a few MB of JSON; gzip keeps the upload under API Gateway's 10 MB.
  body: {
    kind: 'json',
    documentedAs: z.union([
      tariffPackSchema,
      exchangeRatesSchema,
      alcoholDutyRatesSchema,
      valuationReferenceTableSchema,
      riskSettingsSchema,
      permitRulesSchema,
    ]),
    maxBytes: 50_000_000,
    gzip: true,
  },
  responses: { 200: { description: 'The version loaded (content hash) and now current' } },
  problems: { 413: 'Body too large', 415: 'Body is not JSON, or an encoding other than gzip' },
});

export const referenceDocumentHistoryOperation = defineOperation({
  operationId: 'referenceDocumentHistory',
  method: 'GET',
  path: '/v1/admin/reference-documents/{kind}',
  summary: 'Versions of a reference document loaded, newest first (officer, admin)',
  roles: ['officer', 'admin'],
  pathParameters: referenceDocumentPath,
  responses: { 200: { description: 'The versions' } },
});

export const rebuildValuationReferencesOperation = defineOperation({
  operationId: 'rebuildValuationReferences',
  method: 'POST',
  path: '/v1/admin/valuation-references/rebuild',
  summary: 'Build the valuation references from the declarations of the last `days` days and load them (admin)',
  roles: ['admin'],
  query: z.strictObject({ days: queryInteger(1, 365).default(90) }),
  responses: { 200: { description: 'The version loaded, with the number of declarations and entries' } },
});

export const setTraderStatusOperation = defineOperation({
  operationId: 'setTraderStatus',
  method: 'PUT',
  path: '/v1/admin/traders/{partyId}',
  summary: "Set a trader's AEO / trusted-trader status (admin)",
  roles: ['admin'],
  pathParameters: partyPath,
  body: { kind: 'json', schema: traderStatusInputSchema, maxBytes: 8 * 1024 },
  responses: { 200: { description: 'The trader profile', schema: traderProfileSchema } },
  problems: { 413: 'Body too large', 415: 'Body is not JSON' },
});

export const getTraderProfileOperation = defineOperation({
  operationId: 'getTraderProfile',
  method: 'GET',
  path: '/v1/admin/traders/{partyId}',
  summary: "A trader's status and compliance history (officer, admin)",
  roles: ['officer', 'admin'],
  pathParameters: partyPath,
  responses: { 200: { description: 'The trader profile', schema: traderProfileSchema } },
  problems: { 404: 'No trader profile for this party' },
});

export const listTraderSigningKeysOperation = defineOperation({
  operationId: 'listTraderSigningKeys',
  method: 'GET',
  path: '/v1/admin/traders/{partyId}/keys',
  summary: "A party's signing keys, active and revoked, to check its declarations' signatures (officer, admin)",
  roles: ['officer', 'admin'],
  pathParameters: partyPath,
  responses: { 200: { description: 'The keys (an empty list for a party without keys)', schema: signingKeyListSchema } },
});

export const retryDeclarationOperation = defineOperation({
  operationId: 'retryDeclaration',
  method: 'POST',
  path: '/v1/admin/declarations/{id}/retry',
  summary: 'Hand a PROCESSING_FAILED declaration back to the stage that failed, once the cause is fixed (admin)',
  roles: ['admin'],
  pathParameters: declarationPath,
  responses: { 202: { description: 'Back in the pipeline: the status it resumes at and its new version' } },
  problems: { 404: 'No such declaration', 409: 'The declaration is not PROCESSING_FAILED, or changed meanwhile' },
});
