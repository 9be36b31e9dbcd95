/** Traders' signing keys in the main table, under `TRADER#<party>` / `KEY#<kid>` (docs/data-model.md). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type SigningKey, signingKeySchema } from '#shared/domain/signing-keys.ts';
import type { SigningKeyStore } from '#shared/ports/signing-keys.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix, withoutKeys } from './dynamodb-items.ts';
import { entityTypes, keys } from './keys.ts';

const decode = (item: Record<string, unknown>): SigningKey => signingKeySchema.parse(withoutKeys(item));

export class DynamoDbSigningKeyStore implements SigningKeyStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  register(key: SigningKey): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.signingKey(key.partyId, key.kid), entity: entityTypes.signingKey, ...key },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(partyId: string, kid: string): Promise<SigningKey | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.signingKey(partyId, kid), ConsistentRead: true }),
    );
    return result.Item ? decode(result.Item) : undefined;
  }

  async list(partyId: string): Promise<SigningKey[]> {
    return (await queryByPrefix(this.documents, this.tableName, keys.signingKeyPrefix(partyId), { consistent: true })).map(decode);
  }

  async revoke(partyId: string, kid: string, at: string, by: string): Promise<SigningKey | undefined> {
    await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.signingKey(partyId, kid),
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: { ':at': at, ':by': by },
        }),
      ),
    );
    // Revoked now, revoked before (the first revocation stands), or no such key (undefined).
    return this.get(partyId, kid);
  }
}
