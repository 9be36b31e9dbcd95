import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ReferenceDocumentKind, ReferenceDocumentStore, ReferenceDocumentVersion } from '#shared/ports/reference-documents.ts';
import { sharedRead } from '#shared/workers/invocation-reads.ts';
import { keys } from './keys.ts';
import { referenceDocumentLoads } from './reference-document-history.ts';

/**
 * Reference documents as gzip-compressed JSON objects in the reference bucket
 * (`<kind>/<version>.json.gz`), with a pointer to the current version and a history item per
 * load in the main table. Parsed documents are cached per version for the life of the
 * execution environment: a pointer read per use, an S3 read only when the version changes.
 */
export class S3ReferenceDocumentStore implements ReferenceDocumentStore {
  private readonly documents: DynamoDBDocumentClient;
  /** Parsed documents by kind and version; a few per kind at most (a tariff pack is large). */
  private readonly cache = new Map<string, unknown>();
  private static readonly cachedPerKind = 2;

  constructor(
    private readonly s3: S3Client,
    /** Resolved on first S3 use: reading the load history needs the table only. */
    private readonly bucket: () => string,
    dynamodb: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  }

  async put(
    kind: ReferenceDocumentKind,
    version: string,
    content: Uint8Array,
    meta: { at: string; by: string },
  ): Promise<ReferenceDocumentVersion> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket(),
        Key: objectKey(kind, version),
        Body: gzipSync(content),
        ContentType: 'application/json',
        ContentEncoding: 'gzip',
      }),
    );
    const loaded: ReferenceDocumentVersion = { kind, version, loadedAt: meta.at, loadedBy: meta.by, bytes: content.byteLength };
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.referenceDocumentLoad(kind, meta.at, version), ...loaded } }),
    );
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.referenceDocumentCurrent(kind), ...loaded } }));
    return loaded;
  }

  async current<T>(kind: ReferenceDocumentKind, parse: (raw: unknown) => T): Promise<{ version: string; document: T } | undefined> {
    const pointer = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: keys.referenceDocumentCurrent(kind), ConsistentRead: true }),
    );
    const version = (pointer.Item as ReferenceDocumentVersion | undefined)?.version;
    return version ? this.load(kind, version, parse) : undefined;
  }

  async asOf<T>(
    kind: ReferenceDocumentKind,
    at: string,
    parse: (raw: unknown) => T,
  ): Promise<{ version: string; document: T } | undefined> {
    const pk = keys.referenceDocumentCurrent(kind).PK;
    const latestUpTo = async (last: string, newestFirst: boolean) =>
      (
        await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
            ExpressionAttributeValues: { ':pk': pk, ':first': 'LOAD#', ':last': last },
            ScanIndexForward: !newestFirst,
            Limit: 1,
            ConsistentRead: true,
          }),
        )
      ).Items?.[0] as ReferenceDocumentVersion | undefined;
    // '~' sorts after every character of a version, so a load at exactly `at` counts.
    const last = `LOAD#${at}#~`;
    // The records of one SQS invocation share one read of the newest load (pattern 112): as the
    // newest load at the moment of that read, it is also the latest load up to any moment at or
    // after its own, as each record's own query at that moment would answer. A record from before
    // it reads its own moment's load. No load at all then: none for any record of the invocation.
    const shared = await sharedRead(`referenceDocumentNewestLoad:${kind}`, async () => ({ newest: await latestUpTo('LOAD#~', true) }));
    if (shared !== undefined) {
      const { newest } = shared;
      if (newest === undefined) return undefined;
      if (Buffer.compare(Buffer.from(`LOAD#${newest.loadedAt}#${newest.version}`), Buffer.from(last)) <= 0) {
        return this.load(kind, newest.version, parse);
      }
    }
    // Work from before the first load of a region uses that first load (otherwise it could never finish).
    const found = (await latestUpTo(last, true)) ?? (await latestUpTo('LOAD#~', false));
    return found ? this.load(kind, found.version, parse) : undefined;
  }

  private async load<T>(
    kind: ReferenceDocumentKind,
    version: string,
    parse: (raw: unknown) => T,
  ): Promise<{ version: string; document: T }> {
    const cacheKey = `${kind}/${version}`;
    const hit = this.cache.get(cacheKey);
    if (hit !== undefined) {
      // Least recently used goes first: re-insert on a hit.
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, hit);
    } else {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket(), Key: objectKey(kind, version) }));
      const bytes = await object.Body?.transformToByteArray();
      if (!bytes) throw new Error(`reference document ${cacheKey} is empty`);
      const cachedOfKind = [...this.cache.keys()].filter((key) => key.startsWith(`${kind}/`));
      if (cachedOfKind.length >= S3ReferenceDocumentStore.cachedPerKind) this.cache.delete(cachedOfKind[0]!);
      this.cache.set(cacheKey, parse(JSON.parse(gunzipSync(bytes).toString('utf8'))));
    }
    return { version, document: this.cache.get(cacheKey) as T };
  }

  history(kind: ReferenceDocumentKind): Promise<ReferenceDocumentVersion[]> {
    return referenceDocumentLoads(this.documents, this.tableName, kind);
  }
}

const objectKey = (kind: ReferenceDocumentKind, version: string): string => `${kind}/${version}.json.gz`;
