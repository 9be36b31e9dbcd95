/**
 * Pattern 110 (issue 11, fewer calls): (getWithEvents) reads a declaration whose
 * partition holds more than one 1 MB Query page from the message's version on, against the local
 * cloud, with the stage's and the documents worker's own access (scoreRisk, issueDocuments).
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { keys } from '#shared/adapters/keys.ts';
import { declarationBodies, declarationRepository, documentArchive, sharedDynamoDb } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import type { HistoryEvent } from '#shared/domain/declaration-record.ts';
import { storeSubmitted } from '#tests/support/stored-declaration.ts';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
});

afterAll(async () => {
  await cloud?.stop();
});

const repositoryOf = (name: 'submitDeclaration' | 'scoreRisk' | 'issueDocuments') => {
  const config = loadConfig(name);
  return declarationRepository(config, declarationBodies(config));
};

describe('pattern 110 over more than one Query page', () => {
  it('returns the state, its parts and every event from the version on when the items pass 1 MB', async () => {
    // Prepare: a declaration with 400 events of about 3 KB each (about 1.2 MB from version 1)
    const writer = repositoryOf('submitDeclaration');
    const record = await storeSubmitted({ repository: writer, archive: documentArchive(loadConfig('submitDeclaration')) }, {});
    const detail = 'x'.repeat(3000);
    const events: HistoryEvent[] = Array.from({ length: 400 }, (_, index) => ({
      declarationId: record.id,
      version: index + 1,
      type: 'VALIDATED',
      status: 'VALIDATED',
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
      actor: { kind: 'system', id: 'review3' },
      detail,
    }));
    for (let start = 0; start < events.length; start += 25)
      await Promise.all(events.slice(start, start + 25).map((event) => writer.appendEvent(event)));

    const firstPage = await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new QueryCommand({
        TableName: loadConfig('issueDocuments').tableName('main'),
        KeyConditionExpression: 'PK = :pk AND SK >= :sk',
        ExpressionAttributeValues: { ':pk': keys.declaration(record.id).PK, ':sk': keys.historyEvent(record.id, 1).SK },
        ConsistentRead: true,
      }),
    );

    // Act
    const fromOne = await repositoryOf('issueDocuments').getWithEvents(record.id, 1);
    const fromThreeHundred = await repositoryOf('scoreRisk').getWithEvents(record.id, 300);

    // Assess: the query takes more than one page
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(fromOne?.record.id).toBe(record.id);
    expect(fromOne?.events.map((event) => event.version)).toEqual(events.map((event) => event.version));
    expect(fromThreeHundred?.events.map((event) => event.version)).toEqual(events.slice(299).map((event) => event.version));
    expect(fromThreeHundred?.record).toEqual(await writer.get(record.id));
  });
});
