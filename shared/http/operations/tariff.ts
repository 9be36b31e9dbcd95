/** Tariff operations: duty estimates and commodity look-ups. */
import * as z from 'zod';
import { countryCode, declarationSchema, isoDate, maxDeclarationBytes } from '#shared/domain/declaration.ts';
import { defineOperation } from '#shared/http/operation-spec.ts';
import { assessmentSchema } from '#shared/tariff/assessment.ts';
import { commodityLookupSchema } from '#shared/tariff/commodity-lookup.ts';

export const estimateDutyOperation = defineOperation({
  operationId: 'estimateDuty',
  method: 'POST',
  path: '/v1/duty-estimates',
  summary: 'Calculate duties and taxes for a declaration body without declaring it (stores nothing)',
  roles: ['trader', 'officer', 'admin'],
  body: { kind: 'json', schema: declarationSchema, maxBytes: maxDeclarationBytes },
  responses: { 200: { description: 'The assessment', schema: assessmentSchema } },
  problems: {
    413: 'Body too large',
    415: 'Body is not JSON',
    422: 'Duties cannot be calculated (e.g. a missing quantity or exchange rate), or no tariff is loaded',
  },
});

export const lookUpCommodityOperation = defineOperation({
  operationId: 'lookUpCommodity',
  method: 'GET',
  path: '/v1/tariff/commodities/{code}',
  summary: 'A commodity and the measures that apply for an origin and date',
  roles: ['trader', 'officer', 'admin'],
  pathParameters: z.strictObject({ code: z.string().regex(/^(\d{8}|\d{10})$/, 'must be a commodity code of 8 or 10 digits') }),
  query: z.strictObject({ origin: countryCode.optional(), date: isoDate.optional() }),
  responses: { 200: { description: 'The commodity and its measures', schema: commodityLookupSchema } },
  problems: { 404: 'Unknown commodity code' },
});
