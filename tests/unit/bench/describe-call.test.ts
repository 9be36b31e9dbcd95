/** The per-function call listing of the cost benchmark: each call named by table, operation, key shape and consistency. */
import { describe, expect, it } from 'vitest';
import { describeCall, type Tables } from '#bench/cost/recorder.ts';
import { tables as definitions } from '#shared/resources.ts';

const tables: Tables = { byName: new Map([['customs-main', { logical: 'main', definition: definitions.main }]]) };

describe('describeCall', () => {
  it('names a DynamoDB call by table, operation and key shape, and a strongly consistent read as such', () => {
    // Prepare
    const key = { PK: { S: 'DECL#01M8GRYAS4HK7SM1PZACFJ5T89' }, SK: { S: 'EV#000002' } };

    // Act
    const get = describeCall('dynamodb', 'GetItem', { TableName: 'customs-main', Key: key, ConsistentRead: true }, tables);
    const query = describeCall(
      'dynamodb',
      'Query',
      {
        TableName: 'customs-main',
        KeyConditionExpression: 'PK = :pk AND SK >= :sk',
        ExpressionAttributeValues: { ':pk': key.PK, ':sk': key.SK, ':unused': { S: 'x' } },
      },
      tables,
    );
    const batch = describeCall(
      'dynamodb',
      'BatchGetItem',
      { RequestItems: { 'customs-main': { Keys: [key, key], ConsistentRead: true } } },
      tables,
    );
    const send = describeCall('sqs', 'SendMessage', {}, tables);

    // Assess
    expect(get).toBe('main GetItem DECL#<ulid> / EV#<n> consistent');
    expect(query).toBe('main Query DECL#<ulid> / EV#<n>');
    expect(batch).toBe('main BatchGetItem [DECL#<ulid> / EV#<n>] consistent');
    expect(send).toBe('sqs SendMessage');
  });

  it("names a query of a range's oldest first apart from its newest first (a reference document's first load, its newest)", () => {
    // Prepare
    const query = (scanIndexForward: boolean | undefined) => ({
      TableName: 'customs-main',
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': { S: 'REFDOC#exchangeRates' }, ':first': { S: 'LOAD#' }, ':last': { S: 'LOAD#~' } },
      ConsistentRead: true,
      ...(scanIndexForward === undefined ? {} : { ScanIndexForward: scanIndexForward }),
    });

    // Act
    const [oldest, newest, unsaid] = [true, false, undefined].map((forward) => describeCall('dynamodb', 'Query', query(forward), tables));

    // Assess
    expect(oldest).toBe('main Query REFDOC#exchangeRates / LOAD# / LOAD#~ consistent oldest first');
    expect(newest).toBe('main Query REFDOC#exchangeRates / LOAD# / LOAD#~ consistent');
    expect(unsaid).toBe(newest);
  });
});
