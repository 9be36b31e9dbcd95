/** Cargo reports in the main table (docs/data-model.md, patterns 63 to 66): single conditional writes. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type CargoLine,
  cargoLineSchema,
  type StoredManifest,
  storedManifestSchema,
  type TransportDocument,
  transportDocumentKey,
} from '#shared/domain/cargo-reports.ts';
import {
  type ArrivalWaiter,
  type CargoReports,
  type CreateManifestResult,
  type DischargeResult,
  decodeUndeclaredCursor,
  encodeUndeclaredCursor,
  type PutLineResult,
  type UndeclaredGoodsPage,
  undeclaredPosition,
} from '#shared/ports/cargo-reports.ts';
import { conditional } from './conditional-write.ts';
import { documentClientOf, queryByPrefix, withoutKeys } from './dynamodb-items.ts';
import { getItemsCoalesced } from './dynamodb-read-coalescer.ts';
import { entityTypes, keys } from './keys.ts';

export class DynamoDbCargoReports implements CargoReports {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClientOf(client);
  }

  async createManifest(manifest: StoredManifest): Promise<CreateManifestResult> {
    const created = await conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.manifest(manifest.id), entity: entityTypes.manifest, ...manifest },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    if (created) return { outcome: 'created' };
    const existing = await this.getManifest(manifest.id);
    if (!existing) throw new Error(`manifest ${manifest.id} exists and cannot be read`);
    return { outcome: 'exists', existing };
  }

  async getManifest(id: string): Promise<StoredManifest | undefined> {
    const result = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: keys.manifest(id), ConsistentRead: true }));
    return result.Item ? storedManifestSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  async findLines(documents: readonly TransportDocument[]): Promise<(CargoLine | undefined)[]> {
    // With the other records' reads (the release stage's), one BatchGetItem.
    const items = await getItemsCoalesced(
      this.documents,
      this.tableName,
      documents.map((document) => keys.cargoLine(transportDocumentKey(document))),
      { consistent: true },
    );
    return items.map((item) => (item ? cargoLineSchema.parse(withoutKeys(item)) : undefined));
  }

  private async getLine(document: TransportDocument): Promise<CargoLine | undefined> {
    const result = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.cargoLine(transportDocumentKey(document)), ConsistentRead: true }),
    );
    return result.Item ? cargoLineSchema.parse(withoutKeys(result.Item)) : undefined;
  }

  async putLine(line: CargoLine): Promise<PutLineResult> {
    // Pattern 78: indexed under its UCR before the line is written (repeatable), so a stored line is
    // always found by it; an entry for a document another manifest holds is dropped when read.
    if (line.ucr !== undefined) {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.consignmentLine(line.ucr, transportDocumentKey(line.transportDocument)),
            entity: entityTypes.consignmentEntry,
            transportDocument: line.transportDocument,
          },
        }),
      );
    }
    const written = await conditional(() =>
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.cargoLine(transportDocumentKey(line.transportDocument)), entity: entityTypes.cargoLine, ...line },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      ),
    );
    const existing = written ? undefined : await this.getLine(line.transportDocument);
    if (existing && existing.manifestId !== line.manifestId) return { outcome: 'taken', existing };
    // This manifest's line (written now, or by an attempt that stopped before its entry): listed until discharged.
    if (!existing?.dischargedBy) {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.undeclaredGoods(line.office, line.arrivedAt, line.manifestId, line.line),
            entity: entityTypes.undeclaredGoods,
            transportDocument: line.transportDocument,
          },
        }),
      );
    }
    return existing ? { outcome: 'taken', existing } : { outcome: 'written' };
  }

  async linesByUcr(ucr: string, limit: number): Promise<CargoLine[]> {
    const prefix = keys.consignmentLinePrefix(ucr);
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        Limit: limit,
      }),
    );
    const lines = await this.findLines((result.Items ?? []).map((item) => item.transportDocument as TransportDocument));
    // The line is the truth: an entry whose document went to another manifest's line, naming another UCR, is not listed.
    return lines.filter((line): line is CargoLine => line?.ucr === ucr);
  }

  async discharge(document: TransportDocument, declarationId: string, at: string): Promise<DischargeResult> {
    const key = transportDocumentKey(document);
    const discharged = await conditional(() =>
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.cargoLine(key),
          UpdateExpression: 'SET dischargedBy = :by',
          ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(dischargedBy)',
          ExpressionAttributeValues: { ':by': { declarationId, at } },
        }),
      ),
    );
    const line = await this.getLine(document);
    if (!line) return { outcome: 'missing' };
    if (!discharged && line.dischargedBy?.declarationId !== declarationId) return { outcome: 'taken', line };
    // Out of the undeclared goods, and no longer waiting (both deletes are safe to repeat).
    await this.documents.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.undeclaredGoods(line.office, line.arrivedAt, line.manifestId, line.line) }),
    );
    await this.documents.send(new DeleteCommand({ TableName: this.tableName, Key: keys.arrivalWait(key, declarationId) }));
    return { outcome: 'discharged', line };
  }

  async awaitArrival(document: TransportDocument, waiter: ArrivalWaiter): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.arrivalWait(transportDocumentKey(document), waiter.declarationId), entity: entityTypes.arrivalWait, ...waiter },
      }),
    );
  }

  async waitingFor(document: TransportDocument): Promise<ArrivalWaiter[]> {
    const items = await queryByPrefix(this.documents, this.tableName, keys.arrivalWaitPrefix(transportDocumentKey(document)), {
      consistent: true,
    });
    return items.map((item) => ({ declarationId: String(item.declarationId), version: Number(item.version) }));
  }

  async listUndeclared(
    office: string,
    options: { arrivedBefore: string; limit: number; cursor: string | undefined },
  ): Promise<UndeclaredGoodsPage> {
    const after = options.cursor === undefined ? undefined : decodeUndeclaredCursor(options.cursor, office);
    const result = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND SK < :before',
        ExpressionAttributeValues: { ':pk': keys.undeclaredGoodsPartition(office), ':before': options.arrivedBefore },
        Limit: options.limit,
        ...(after ? { ExclusiveStartKey: { PK: keys.undeclaredGoodsPartition(office), SK: after } } : {}),
      }),
    );
    const entries = result.Items ?? [];
    const lines = await this.findLines(entries.map((entry) => entry.transportDocument as TransportDocument));
    // The line is the truth: one discharged (or another manifest's) since its entry was written is not listed.
    const items = lines.flatMap((line, index) =>
      line && !line.dischargedBy && undeclaredPosition(line) === entries[index]?.SK ? [line] : [],
    );
    const last = entries.at(-1);
    return {
      items,
      nextCursor: result.LastEvaluatedKey && last ? encodeUndeclaredCursor(office, String(last.SK)) : null,
    };
  }
}
