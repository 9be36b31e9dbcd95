/**
 * What the risk stage and the risk administration read, wired to AWS: profiles and traders in
 * the main table, settings, valuation references and exchange rates as reference documents
 * (`risk-reference-data.ts`), the selection secret from Secrets Manager (cached by Powertools
 * Parameters).
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReferenceDocumentStore } from '#shared/ports/reference-documents.ts';
import type { SecretSource } from '#shared/ports/risk-stores.ts';
import { DynamoDbRiskStore } from './dynamodb-risk-store.ts';
import { riskReferenceData } from './risk-reference-data.ts';
import { secretReader } from './secret-values.ts';

export { NotConfiguredError, nationalConverter } from './risk-reference-data.ts';

/** `documents` is called on first use only: functions without the reference bucket never build it. */
export function riskData(options: {
  dynamodb: DynamoDBClient;
  tableName: string;
  documents: () => ReferenceDocumentStore;
  selectionSecretId: () => string;
}) {
  const store = new DynamoDbRiskStore(options.dynamodb, options.tableName);

  const secretValue = secretReader();
  const secrets: SecretSource = {
    async selectionSecret() {
      const value = await secretValue(options.selectionSecretId());
      if (typeof value !== 'string' || value.length < 32) throw new Error('the risk selection secret is missing or too short');
      return value;
    },
  };

  return { profiles: store, traders: store, selectionStats: store, secrets, ...riskReferenceData(options.documents) };
}
