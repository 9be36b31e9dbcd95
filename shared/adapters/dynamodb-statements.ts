/** Statements of deferment accounts in the main table, beside the account's ledger (`ACCOUNT#<n>` / `STATEMENT#<period>`). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type StatementSummary, statementSummarySchema } from '#shared/domain/statements.ts';
import type { StatementIndex } from '#shared/ports/statements.ts';
import { conditional } from './conditional-write.ts';
import { entityTypes, keys } from './keys.ts';

const summaryOf = (item: Record<string, unknown>): StatementSummary => {
  const { PK: _pk, SK: _sk, entity: _entity, ...rest } = item;
  return statementSummarySchema.parse(rest);
};

export class DynamoDbStatementIndex implements StatementIndex {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  record(summary: StatementSummary): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.statement(summary.accountNumber, summary.period), entity: entityTypes.statement, ...summary },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(accountNumber: string, period: string): Promise<StatementSummary | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.statement(accountNumber, period), ConsistentRead: true }),
    );
    return result.Item ? summaryOf(result.Item) : undefined;
  }

  async list(accountNumber: string): Promise<StatementSummary[]> {
    const { PK, SKPrefix } = keys.statementPrefix(accountNumber);
    const found: StatementSummary[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []).map(summaryOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }
}
