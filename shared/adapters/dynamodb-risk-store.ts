import { randomInt } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ProfileEffectiveness,
  ProfilesSaved,
  RiskProfileStore,
  SelectionStatsStore,
  TraderProfileStore,
} from '#shared/ports/risk-stores.ts';
import type { Lane } from '#shared/risk/outcome.ts';
import { type RiskProfile, riskProfileSchema } from '#shared/risk/profile.ts';
import type { RecentSelectionRates } from '#shared/risk/selection.ts';
import { type TraderProfile, traderProfileSchema } from '#shared/risk/trader.ts';
import { readShared } from '#shared/workers/invocation-reads.ts';
import { atMostOnce } from './at-most-once.ts';
import { addAtBarrier } from './barrier-additions.ts';
import { batchGetItems, documentClientOf } from './dynamodb-items.ts';
import { keys } from './keys.ts';
import { cancelledByCondition, retryingConflicts } from './transaction-conflicts.ts';

const strip = (item: Record<string, unknown>): Record<string, unknown> => {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, GSI5PK: _g5, GSI5SK: _g5s, entity: _entity, ...rest } = item;
  return rest;
};

/** A stored trader; a profile an admin set before any declaration has no first/last seen yet. */
const parseTrader = (item: Record<string, unknown>): TraderProfile =>
  traderProfileSchema.parse({ firstSeen: null, lastSeen: null, ...strip(item) });

export class DynamoDbRiskStore implements RiskProfileStore, TraderProfileStore, SelectionStatsStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  /**
   * The version, and the count of versions saved, in one transaction (pattern 111): a reader that
   * finds the count unchanged knows no version was saved since (profile saves are rare, so the
   * transaction's double write units cost little).
   */
  async saveVersion(profile: RiskProfile): Promise<boolean> {
    // Two saves at once (of any profiles) both update the count: they conflict, and are tried again.
    return retryingConflicts(() => this.saveVersionOnce(profile));
  }

  private async saveVersionOnce(profile: RiskProfile): Promise<boolean> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.riskProfileVersion(profile.id, profile.version), entity: 'RiskProfile', ...profile },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: keys.riskProfilesSaved,
                UpdateExpression: 'SET entity = :entity, lastAt = :at ADD #count :one',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: { ':entity': 'RiskProfilesSaved', ':at': profile.createdAt, ':one': 1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // The version's item exists (the condition of the transaction's first item).
      if (cancelledByCondition(error, 0)) return false;
      throw error;
    }
  }

  async saved(): Promise<ProfilesSaved | undefined> {
    // Eventually consistent, as GSI5 is: the count and the list it vouches for are both a moment behind.
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.riskProfilesSaved }));
    return result.Item ? { count: Number(result.Item.count), lastAt: String(result.Item.lastAt) } : undefined;
  }

  async versions(id: string): Promise<RiskProfile[]> {
    const { PK, SKPrefix } = keys.riskProfilePrefix(id);
    return this.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ':prefix': SKPrefix },
    });
  }

  allVersions(): Promise<RiskProfile[]> {
    return this.queryAll({
      IndexName: 'GSI5',
      KeyConditionExpression: 'GSI5PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.riskProfilesPartition },
    });
  }

  async countEffectiveness(profileIds: readonly string[], counts: Partial<ProfileEffectiveness>): Promise<void> {
    const adds = Object.entries(counts).filter(([, value]) => value !== undefined && value !== 0);
    if (adds.length === 0) return;
    await Promise.all(
      [...new Set(profileIds)].map((id) =>
        this.sendUpdate(
          new UpdateCommand({
            TableName: this.tableName,
            // Any shard will do: reads sum them all.
            Key: keys.riskProfileEffectivenessShard(id, randomInt(keys.riskProfileEffectivenessShards)),
            UpdateExpression: `SET entity = :entity ADD ${adds.map(([name]) => `#${name} :${name}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(adds.map(([name]) => [`#${name}`, name])),
            ExpressionAttributeValues: {
              ':entity': 'RiskProfileEffectiveness',
              ...Object.fromEntries(adds.map(([name, value]) => [`:${name}`, value])),
            },
          }),
        ),
      ),
    );
  }

  async effectiveness(profileId: string): Promise<ProfileEffectiveness> {
    const items = await this.getAll([
      keys.riskProfileEffectiveness(profileId),
      ...Array.from({ length: keys.riskProfileEffectivenessShards }, (_, shard) => keys.riskProfileEffectivenessShard(profileId, shard)),
    ]);
    const sum = (name: string) => items.reduce((total, item) => total + Number(item[name] ?? 0), 0);
    return { selections: sum('selections'), inspections: sum('inspections'), hits: sum('hits') };
  }

  /** The items of these keys that exist (strongly consistent unless asked otherwise, in one BatchGetItem and its retries). */
  private getAll(
    keysToRead: Record<string, string>[],
    read: { consistent: boolean } = { consistent: true },
  ): Promise<Record<string, unknown>[]> {
    return batchGetItems(this.documents, this.tableName, keysToRead, read);
  }

  private async queryAll(query: {
    IndexName?: string;
    KeyConditionExpression: string;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<RiskProfile[]> {
    const profiles: RiskProfile[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(new QueryCommand({ TableName: this.tableName, ...query, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) profiles.push(riskProfileSchema.parse(strip(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return profiles;
  }

  async get(partyId: string, read: { consistent: boolean } = { consistent: true }): Promise<TraderProfile | undefined> {
    const readAll = () =>
      this.getAll(
        [
          keys.traderProfile(partyId),
          ...Array.from({ length: keys.traderDeclarationCountShards }, (_, shard) => keys.traderDeclarationCount(partyId, shard)),
        ],
        read,
      );
    // A read a moment old may serve (eventually consistent): the records of one SQS invocation
    // scoring the same trader's declarations share it (shared/workers/invocation-reads.ts).
    const items = read.consistent ? await readAll() : await readShared(`trader:${partyId}`, readAll);
    const profile = items.find((item) => item.SK === keys.traderProfile(partyId).SK);
    const counts = items.filter((item) => item !== profile);
    if (!profile && counts.length === 0) return undefined;
    // The profile's own count and times are those kept before the count had shards (or put by an admin).
    const parts = [...(profile ? [profile] : []), ...counts];
    const times = (name: 'firstSeen' | 'lastSeen') =>
      parts.flatMap((item) => (typeof item[name] === 'string' ? [item[name] as string] : [])).sort();
    return parseTrader({
      ...(profile ?? { partyId, aeo: null, trusted: false, inspections: 0, discrepancies: 0 }),
      declarationsCount: parts.reduce((total, item) => total + Number(item.declarationsCount ?? 0), 0),
      firstSeen: times('firstSeen')[0] ?? null,
      lastSeen: times('lastSeen').at(-1) ?? null,
    });
  }

  async put(profile: TraderProfile): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.traderProfile(profile.partyId), entity: 'TraderProfile', ...profile } }),
    );
  }

  async setStatus(
    partyId: string,
    status: { aeo: TraderProfile['aeo']; trusted: boolean; name?: string | undefined },
  ): Promise<TraderProfile> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.traderProfile(partyId),
        UpdateExpression:
          'SET entity = :entity, partyId = :party, aeo = :aeo, trusted = :trusted' +
          (status.name ? ', #name = :name' : '') +
          // firstSeen / lastSeen are left to the declaration count (a NULL would stop if_not_exists there).
          ', declarationsCount = if_not_exists(declarationsCount, :zero), inspections = if_not_exists(inspections, :zero), ' +
          'discrepancies = if_not_exists(discrepancies, :zero)',
        ...(status.name ? { ExpressionAttributeNames: { '#name': 'name' } } : {}),
        ExpressionAttributeValues: {
          ':entity': 'TraderProfile',
          ':party': partyId,
          ':aeo': status.aeo,
          ':trusted': status.trusted,
          ':zero': 0,
          ...(status.name ? { ':name': status.name } : {}),
        },
      }),
    );
    // As a read sees it: with the shards of its declaration count.
    return (await this.get(partyId)) ?? parseTrader({});
  }

  /**
   * Counts a declaration of the trader: inside an SQS invocation with the other records' counts of
   * the same trader, as one write of their number (barrier-additions.ts).
   */
  async countDeclaration(partyId: string, at: string): Promise<void> {
    await addAtBarrier({
      group: `traderCount ${this.tableName} ${partyId}`,
      payload: at,
      writeAll: (times) => {
        const sorted = [...times].sort();
        return this.sendUpdate(
          new UpdateCommand({
            TableName: this.tableName,
            // Any shard will do: a read sums the counts and takes the earliest first and latest last time.
            Key: keys.traderDeclarationCount(partyId, randomInt(keys.traderDeclarationCountShards)),
            UpdateExpression:
              'SET entity = :entity, firstSeen = if_not_exists(firstSeen, :first), lastSeen = :last ADD declarationsCount :count',
            ExpressionAttributeValues: {
              ':entity': 'TraderDeclarationCount',
              ':first': sorted[0],
              ':last': sorted.at(-1),
              ':count': times.length,
            },
          }),
        );
      },
    });
  }

  recordInspection(partyId: string, discrepancy: boolean): Promise<void> {
    return this.addToTrader(
      partyId,
      'declarationsCount = if_not_exists(declarationsCount, :zero)',
      'inspections :one, discrepancies :hit',
      {
        ':hit': discrepancy ? 1 : 0,
      },
    );
  }

  /** Adds to a trader's counts, creating a plain profile (no AEO, not trusted) on first sight. */
  private async addToTrader(partyId: string, defaults: string, add: string, values: Record<string, unknown>): Promise<void> {
    await this.sendUpdate(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.traderProfile(partyId),
        UpdateExpression:
          'SET entity = :entity, partyId = :party, aeo = if_not_exists(aeo, :null), trusted = if_not_exists(trusted, :false), ' +
          `${defaults} ADD ${add}`,
        ExpressionAttributeValues: {
          ':entity': 'TraderProfile',
          ':party': partyId,
          ':null': null,
          ':false': false,
          ':zero': 0,
          ':one': 1,
          ...values,
        },
      }),
    );
  }

  /**
   * Counts a scored declaration into its office's day: inside an SQS invocation with the other
   * records' of the same office and day, as one write of their numbers (barrier-additions.ts).
   */
  async record(office: string, day: string, laneBeforeTopUp: Lane): Promise<void> {
    await addAtBarrier({
      group: `selectionStats ${this.tableName} ${office} ${day}`,
      payload: laneBeforeTopUp,
      writeAll: (lanes) => {
        const byLane = [...new Set(lanes)].map((lane) => [lane, lanes.filter((each) => each === lane).length] as const);
        return this.sendUpdate(
          new UpdateCommand({
            TableName: this.tableName,
            // Any shard will do: reads sum them all.
            Key: keys.selectionStats(office, day, randomInt(keys.selectionStatsShards)),
            UpdateExpression: `SET entity = :entity ADD #declarations :count, ${byLane.map((_, index) => `#lane${index} :lane${index}`).join(', ')}`,
            ExpressionAttributeNames: {
              '#declarations': 'declarations',
              ...Object.fromEntries(byLane.map(([lane], index) => [`#lane${index}`, lane])),
            },
            ExpressionAttributeValues: {
              ':entity': 'SelectionStats',
              ':count': lanes.length,
              ...Object.fromEntries(byLane.map(([, count], index) => [`:lane${index}`, count])),
            },
          }),
        );
      },
    });
  }

  /**
   * A counting update whose answer nobody reads (async, so a bad input rejects rather than throws):
   * an unconditional `ADD`, so sent at most once, a count lost rather than doubled (at-most-once.ts).
   */
  private async sendUpdate(command: UpdateCommand): Promise<void> {
    await this.documents.send(atMostOnce(command));
  }

  async recent(office: string, days: readonly string[]): Promise<RecentSelectionRates> {
    const tally: RecentSelectionRates = { declarations: 0, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 } };
    if (days.length === 0) return tally;
    const sorted = [...days].sort();
    // The records of one SQS invocation scoring declarations of the same office and days share the
    // read (shared/workers/invocation-reads.ts): they are scored at once, so figures read a moment
    // earlier are as a score made a moment earlier would see them.
    const readShards = () =>
      Promise.all(
        Array.from({ length: keys.selectionStatsShards }, (_, shard) =>
          this.documents.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
              ExpressionAttributeValues: {
                ':pk': keys.selectionStats(office, '', shard).PK,
                ':from': keys.selectionStats(office, sorted[0]!, shard).SK,
                ':to': keys.selectionStats(office, sorted.at(-1)!, shard).SK,
              },
            }),
          ),
        ),
      );
    const shards = await readShared(`selectionStats:${office}:${sorted[0]}:${sorted.at(-1)}`, readShards);
    for (const item of shards.flatMap((result) => result.Items ?? [])) {
      tally.declarations += Number(item.declarations ?? 0);
      for (const lane of ['GREEN', 'BLUE', 'YELLOW', 'RED'] as const) tally.lanes[lane] += Number(item[lane] ?? 0);
    }
    return tally;
  }
}
