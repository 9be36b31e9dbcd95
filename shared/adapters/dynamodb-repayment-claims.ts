/**
 * Repayment claims beside their declaration (`DECL#<id>` / `CLAIM#<n>`) and payouts
 * (`PAYOUT#<reference>`, settled by provider events `PAYEVENT#<provider>#<event id>`) in the main
 * table (docs/data-model.md, patterns 56 to 61, 90, 91), single conditional writes. A pending claim is in GSI2 (`REPAYCLAIMS#PENDING`) until its decision
 * removes it in the same write that decides it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  declarationOfClaim,
  type Payout,
  payoutSchema,
  type Repayment,
  type RepaymentClaim,
  repaymentClaimSchema,
} from '#shared/domain/repayments.ts';
import type { Payouts, RepaymentClaims, SettleOutcome } from '#shared/ports/repayments.ts';
import { conditional } from './conditional-write.ts';
import { batchGetItems, documentClientOf, queryByPrefix } from './dynamodb-items.ts';
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
    const items = await batchGetItems(
      this.documents,
      this.tableName,
      (entries.Items ?? []).map((item) => ({ PK: item.PK, SK: item.SK })),
      { consistent: true },
    );
    return items
      .map(decode)
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
          Item: {
            ...keys.payout(payout.reference),
            entity: entityTypes.payout,
            ...payout,
            // Pattern 92: listed while it waits to be sent.
            ...(payout.status === 'REQUESTED' ? keys.payoutDue(payout.createdAt, payout.reference) : {}),
          },
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
    const { PK: _pk, SK: _sk, entity: _entity, GSI4PK: _due, GSI4SK: _dueAt, ...payout } = result.Item;
    return payoutSchema.parse(payout);
  }

  /** Pattern 90: REQUESTED -> SENT. */
  markSent(reference: string, at: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.payout(reference),
          UpdateExpression: 'SET #status = :sent, sentAt = :at REMOVE GSI4PK, GSI4SK',
          ConditionExpression: 'attribute_exists(PK) AND #status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':requested': 'REQUESTED', ':at': at },
        }),
      ),
    );
  }

  /** Pattern 92: REQUESTED payouts due before `before`, oldest first (GSI4, keys only: the reference is in the key). */
  async listDue(before: string, limit: number): Promise<string[]> {
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI4',
        KeyConditionExpression: 'GSI4PK = :pk AND GSI4SK < :before',
        ExpressionAttributeValues: { ':pk': keys.payoutsDuePartition, ':before': before },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map((item) => String(item.PK).slice('PAYOUT#'.length));
  }

  /** Pattern 93: a payout the provider did not take, due again later. */
  deferDue(reference: string, dueAt: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.payout(reference),
          UpdateExpression: 'SET GSI4PK = :pk, GSI4SK = :sk',
          ConditionExpression: 'attribute_exists(PK) AND #status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': keys.payoutsDuePartition,
            ':sk': keys.payoutDue(dueAt, reference).GSI4SK,
            ':requested': 'REQUESTED',
          },
        }),
      ),
    );
  }

  /** Pattern 94: FAILED at `attempt` -> REQUESTED at the next attempt, its failure kept, due now. */
  async resend(reference: string, attempt: number, at: string): Promise<boolean> {
    const payout = await this.getPayout(reference);
    if (payout?.status !== 'FAILED' || (payout.attempt ?? 1) !== attempt) return false;
    const failure = { attempt, reason: payout.failureReason ?? 'no reason given', settledAt: payout.settledAt ?? at };
    return conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.payout(reference),
          UpdateExpression:
            'SET #status = :requested, attempt = :next, failures = list_append(if_not_exists(failures, :none), :failure), GSI4PK = :pk, GSI4SK = :sk ' +
            'REMOVE sentAt, settledAt, settledBy, failureReason',
          ConditionExpression: `attribute_exists(PK) AND #status = :failed AND ${attempt === 1 ? 'attribute_not_exists(attempt)' : 'attempt = :attempt'}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':requested': 'REQUESTED',
            ':failed': 'FAILED',
            ':next': attempt + 1,
            ':none': [],
            ':failure': [failure],
            ':pk': keys.payoutsDuePartition,
            ':sk': keys.payoutDue(at, reference).GSI4SK,
            ...(attempt === 1 ? {} : { ':attempt': attempt }),
          },
        }),
      ),
    );
  }

  /**
   * Pattern 91, as a payment's confirmation (pattern 55): the payout moves to PAID or FAILED naming
   * the event first, then the event is recorded; a settlement that stopped between the two is
   * recognised by the event the payout names.
   */
  async settle(
    reference: string,
    settlement: { status: 'PAID' | 'FAILED'; failureReason?: string; provider: string; eventId: string; at: string },
  ): Promise<SettleOutcome> {
    const eventKey = keys.paymentEvent(settlement.provider, settlement.eventId);
    const seen = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: eventKey, ConsistentRead: true }));
    if (seen.Item) return { outcome: 'replayed' };
    const settledBy = { provider: settlement.provider, eventId: settlement.eventId };
    const settled = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.payout(reference),
          UpdateExpression: `SET #status = :to, settledAt = :at, settledBy = :by${settlement.failureReason ? ', failureReason = :reason' : ''} REMOVE GSI4PK, GSI4SK`,
          // From REQUESTED too: the provider may confirm a payout whose SENT mark was not written yet.
          ConditionExpression: 'attribute_exists(PK) AND #status IN (:requested, :sent)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': settlement.status,
            ':requested': 'REQUESTED',
            ':sent': 'SENT',
            ':at': settlement.at,
            ':by': settledBy,
            ...(settlement.failureReason ? { ':reason': settlement.failureReason } : {}),
          },
        }),
      ),
    );
    const payout = await this.getPayout(reference);
    if (!payout) return { outcome: 'not-found' };
    const byThisEvent = payout.settledBy?.provider === settlement.provider && payout.settledBy.eventId === settlement.eventId;
    if (byThisEvent) await this.recordEvent(eventKey, reference, settlement.at);
    if (settled) return { outcome: 'settled', payout };
    return byThisEvent ? { outcome: 'replayed' } : { outcome: 'already-settled', payout };
  }

  private recordEvent(key: { PK: string; SK: string }, reference: string, at: string): Promise<boolean> {
    return conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: entityTypes.paymentEvent, payoutReference: reference, at },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
  }
}
