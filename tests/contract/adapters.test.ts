/** The contract on the DynamoDB and S3 adapters, against the local cloud (dynalite, fauxqs). */
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { StoredItemError } from '../../shared/adapters/declaration-item-codec.ts';
import { keys } from '../../shared/adapters/keys.ts';
import { declarationRepository, documentArchive, sharedDynamoDb } from '../../shared/adapters/platform.ts';
import { loadConfig } from '../../shared/config.ts';
import { storeSubmitted } from '../support/stored-declaration.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';

let cloud: LocalCloud;

beforeAll(async () => {
  // No functions: only this test touches the table and the bucket.
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
});

afterAll(async () => {
  await cloud?.stop();
});

// The intake function's configuration: it may read and write the table and the archive.
declarationRepositoryContract('DynamoDB and S3 adapters on the local cloud', {
  repository: () => declarationRepository(loadConfig('submitDeclaration')),
  archive: () => documentArchive(loadConfig('submitDeclaration')),
});

describe('DynamoDB declaration items read back', () => {
  it('refuses a damaged state item with an error naming the declaration and the field', async () => {
    // Prepare: a stored declaration whose item is then changed behind the repository's back
    const config = loadConfig('submitDeclaration');
    const repository = declarationRepository(config);
    const record = await storeSubmitted({ repository, archive: documentArchive(config) });
    await DynamoDBDocumentClient.from(sharedDynamoDb()).send(
      new UpdateCommand({
        TableName: config.tableName('main'),
        Key: keys.declaration(record.id),
        UpdateExpression: 'SET #version = :text',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':text': 'two' },
      }),
    );

    // Act
    const reading = repository.getState(record.id);

    // Assess
    await expect(reading).rejects.toThrow(StoredItemError);
    await expect(reading).rejects.toThrow(`declaration ${record.id} is not a valid stored item (/version:`);
  });
});
