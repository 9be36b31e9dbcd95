/**
 * Repayment claims beside their declaration (`DECL#<id>` / `CLAIM#<n>`) and payouts
 * (`PAYOUT#<reference>`) in the main table (docs/data-model.md, patterns 56 to 60), single
 * conditional writes. A pending claim is in GSI2 (`REPAYCLAIMS#PENDING`) until its decision
 * removes it in the same write that decides it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  declarationOfClaim,
  type Payout,
  payoutSchema,
  type Repayment,
  type RepaymentClaim,
  repaymentClaimSchema,
} from '#shared/domain/repayments.ts';
import type { Payouts, RepaymentClaims } from '#shared/ports/repayments.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix } from './dynamodb-items.ts';
import { entityTypes, keys } from './keys.ts';

const STORAGE_ONLY = new Set(['PK', 'SK', 'GSI2PK', 'GSI2SK', 'entity']);
const decode = (item: Record<string, unknown>): RepaymentClaim =>
  repaymentClaimSchema.parse(Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ONLY.has(name))));

function keyOf(claimId: string): { PK: string; SK: string } {
  const parsed = declarationOfClaim(claimId);
  if (!parsed) throw new Error(`not a repayment claim id: ${claimId}`);
  return keys.repaymentClaim(parsed.declarationId, parsed.n);
}

export class DynamoDbRepaymentClaims implements RepaymentClaims, Payouts {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  create(claim: RepaymentClaim): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keyOf(claim.id),
            ...(claim.status === 'PENDING' ? keys.pendingRepaymentClaim(claim.claimedAt, claim.id) : {}),
            entity: entityTypes.repaymentClaim,
            ...claim,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async get(claimId: string): Promise<RepaymentClaim | undefined> {
    if (!declarationOfClaim(claimId)) return undefined;
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keyOf(claimId), ConsistentRead: true }));
    return result.Item ? decode(result.Item) : undefined;
  }

  async listByDeclaration(declarationId: string): Promise<RepaymentClaim[]> {
    return (await queryByPrefix(this.documents, this.tableName, keys.repaymentClaimPrefix(declarationId), { consistent: true })).map(
      decode,
    );
  }

  /** The index is eventually consistent: the claims it names are read again, and only those still PENDING kept. */
  async listPending(limit: number): Promise<RepaymentClaim[]> {
    const entries = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.pendingRepaymentClaimsPartition },
        Limit: limit,
      }),
    );
    let pending: Record<string, unknown>[] | undefined = (entries.Items ?? []).map((item) => ({ PK: item.PK, SK: item.SK }));
    const claims: RepaymentClaim[] = [];
    while (pending && pending.length > 0) {
      const result: BatchGetCommandOutput = await this.documents.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      claims.push(...(result.Responses?.[this.tableName] ?? []).map(decode));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return claims
      .filter((claim) => claim.status === 'PENDING')
      .sort((a, b) => `${a.claimedAt}#${a.id}`.localeCompare(`${b.claimedAt}#${b.id}`));
  }

  async decide(claimId: string, decision: NonNullable<RepaymentClaim['decision']>): Promise<'applied' | 'conflict'> {
    const decided = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(claimId),
          UpdateExpression: 'SET #status = :to, decision = :decision REMOVE GSI2PK, GSI2SK',
          ConditionExpression: 'attribute_exists(PK) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': decision.outcome === 'APPROVE' ? 'APPROVED' : 'REFUSED',
            ':decision': decision,
            ':pending': 'PENDING',
          },
        }),
      ),
    );
    return decided ? 'applied' : 'conflict';
  }

  recordRepayment(claimId: string, repayment: Repayment): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(claimId),
          UpdateExpression: 'SET repayment = :repayment',
          ConditionExpression: '#status = :approved AND attribute_not_exists(repayment)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':repayment': repayment, ':approved': 'APPROVED' },
        }),
      ),
    );
  }

  requestPayout(payout: Payout): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.payout(payout.reference), entity: entityTypes.payout, ...payout },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }

  async getPayout(reference: string): Promise<Payout | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.payout(reference), ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const { PK: _pk, SK: _sk, entity: _entity, ...payout } = result.Item;
    return payoutSchema.parse(payout);
  }
}
