/** Every operation of the API: the route table read by the OpenAPI generator and the tests. */
import type { OperationSpec } from '#shared/http/operation-spec.ts';
import * as admin from './admin.ts';
import * as cargoReports from './cargo-reports.ts';
import * as consignments from './consignments.ts';
import * as declarations from './declarations.ts';
import * as meta from './meta.ts';
import * as permits from './permits.ts';
import * as repayments from './repayments.ts';
import * as revenue from './revenue.ts';
import * as review from './review.ts';
import * as riskProfiles from './risk-profiles.ts';
import * as sealedDocuments from './sealed-documents.ts';
import * as statements from './statements.ts';
import * as stats from './stats.ts';
import * as subscriptions from './subscriptions.ts';
import * as tariff from './tariff.ts';
import * as traders from './traders.ts';

export const operations: readonly OperationSpec[] = [
  ...Object.values(declarations),
  ...Object.values(review),
  ...Object.values(tariff),
  ...Object.values(traders),
  ...Object.values(subscriptions),
  ...Object.values(stats),
  ...Object.values(admin),
  ...Object.values(riskProfiles),
  ...Object.values(sealedDocuments),
  ...Object.values(revenue),
  ...Object.values(repayments),
  ...Object.values(cargoReports),
  ...Object.values(consignments),
  ...Object.values(permits),
  ...Object.values(statements),
  ...Object.values(meta),
];
