/** Statements of deferment accounts in the main table, beside the account's ledger (`ACCOUNT#<n>` / `STATEMENT#<period>`). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type StatementSummary, statementSummarySchema } from '#shared/domain/statements.ts';
import type { StatementIndex } from '#shared/ports/statements.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix, withoutKeys } from './dynamodb-items.ts';
import { entityTypes, keys } from './keys.ts';

const summaryOf = (item: Record<string, unknown>): StatementSummary => statementSummarySchema.parse(withoutKeys(item));

export class DynamoDbStatementIndex implements StatementIndex {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
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
    return (await queryByPrefix(this.documents, this.tableName, keys.statementPrefix(accountNumber), { consistent: false })).map(summaryOf);
  }
}
