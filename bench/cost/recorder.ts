/**
 * Records every AWS call the functions make while the local cloud runs, into the current Ledger:
 * - SDK middleware on each client the platform creates (`onClientCreated`, as local/chaos.ts
 *   does): DynamoDB, S3 and the functions' SQS sends;
 * - SQS calls of the local cloud's own clients (the event source mapping's receives and deletes,
 *   S3's event notifications), by wrapping SQSClient's send;
 * - Secrets Manager calls (Powertools Parameters creates its own client), the same way;
 * - each handler invocation timed (LocalFunction.invoke), with an AsyncLocalStorage telling every
 *   call and every log line which function made it;
 * - the bytes the functions write to stdout/stderr (what Lambda would send to CloudWatch Logs),
 *   counted and kept off the terminal.
 *
 * DynamoDB units come from the items themselves: for a write, the item is read before and after
 * with a separate, unrecorded client (consistent GetItem); for a read, the read is repeated with
 * that client without projection or filter (billing counts whole items, before any filter).
 * A concurrent write to the same item between those reads could skew one figure; the benchmark
 * counts units one declaration at a time (its bursts are timed only, in a ledger of their own).
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import { LocalFunction } from '#local/lambda.ts';
import { type AwsClient, onClientCreated } from '#shared/adapters/aws-clients.ts';
import { messageAttributesBytes } from '#shared/adapters/sqs-message-size.ts';
import type { TableDefinition } from '#shared/resources.ts';
import { batchGetUnits, type Item, itemSize, partitionOf, queryUnits, readUnits, writeCost } from './dynamodb-units.ts';
import { Ledger, type SqsOrigin } from './ledger.ts';

/** The function an SDK call or a log line belongs to. */
const invocation = new AsyncLocalStorage<{ fn: string }>();

/** SQS bills each 64 KB chunk of a request's payload as one request. */
const SQS_CHUNK_BYTES = 64 * 1024;
/** EventBridge bills each 64 KB chunk of a PutEvents entry as one event. */
const EVENTBRIDGE_CHUNK_BYTES = 64 * 1024;

export interface Tables {
  /** Logical name and definition by physical table name. */
  byName: Map<string, { logical: string; definition: TableDefinition }>;
}

export interface Recorder {
  /** Calls are added to this ledger until it is replaced. */
  ledger: Ledger;
  /** Functions whose calls go to their own ledger (e.g. the scheduled redrive: not per declaration). */
  readonly background: Ledger;
  /**
   * One invocation at a time, each timed from when it starts running: in Lambda every invocation has
   * an execution environment of its own, locally all share one process, so overlapping invocations
   * would time each other's work. The records of one invocation still run together (the bursts).
   */
  oneInvocationAtATime: boolean;
  /** Handler invocations started so far, and those still running. */
  invocations(): number;
  inFlight(): number;
  uninstall(): void;
}

export function installRecorder(options: {
  tables: Record<string, { physical: string; definition: TableDefinition }>;
  dynamodbEndpoint: string;
  region: string;
  /** Functions counted apart, in `background`. */
  backgroundFunctions: readonly string[];
  /** Logical queue names by queue URL: the event source mappings' traffic is kept per queue. */
  queueNames: Record<string, string>;
}): Recorder {
  const tables: Tables = {
    byName: new Map(Object.entries(options.tables).map(([logical, { physical, definition }]) => [physical, { logical, definition }])),
  };
  // Unrecorded: created here, not through shared/adapters/aws-clients.ts.
  const raw = new DynamoDBClient({
    region: options.region,
    endpoint: options.dynamodbEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const background = new Ledger();
  let started = 0;
  let running = 0;
  const recorder: Recorder = {
    ledger: new Ledger(),
    background,
    oneInvocationAtATime: false,
    invocations: () => started,
    inFlight: () => running,
    uninstall: () => {},
  };
  const ledgerOf = (fn: string): Ledger => (options.backgroundFunctions.includes(fn) ? background : recorder.ledger);
  const handlerClients = new WeakSet<object>();

  onClientCreated((client: AwsClient, service) => {
    handlerClients.add(client);
    const stack = client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void };
    // The build step: after lib-dynamodb has marshalled the input, outside the retry loop (one logical call).
    const middleware =
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }): Promise<unknown> => {
        const fn = invocation.getStore()?.fn;
        if (fn === undefined) return next(args); // seeding and set-up from the benchmark itself
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        const described = describeCall(service, operation, args.input, tables);
        ledgerOf(fn).call(fn, described);
        if (service === 'dynamodb') return recordDynamo(ledgerOf(fn), fn, operation, args, next, described);
        if (service === 's3') {
          const body = args.input.Body;
          ledgerOf(fn).s3Request(fn, operation, typeof body === 'string' || body instanceof Uint8Array ? Buffer.byteLength(body) : 0);
          return next(args);
        }
        if (service === 'events') {
          // PutEvents: billed per entry, each 64 KB chunk of it one event (not an SQS request).
          const entries = (args.input.Entries as { Detail?: string; DetailType?: string; Source?: string }[] | undefined) ?? [];
          const billed = entries.reduce(
            (sum, entry) =>
              sum +
              Math.max(
                1,
                Math.ceil(
                  Buffer.byteLength(`${entry.Detail ?? ''}${entry.DetailType ?? ''}${entry.Source ?? ''}`) / EVENTBRIDGE_CHUNK_BYTES,
                ),
              ),
            0,
          );
          ledgerOf(fn).eventBridgeEvents(fn, billed);
          return next(args);
        }
        // Counted by the patched send below (Powertools' own client is not created here).
        if (service === 'secretsmanager') return next(args);
        if (service === 'kms') {
          // The customs seal: Sign once per documents worker invocation (a batch), GetPublicKey once per execution environment.
          ledgerOf(fn).kmsRequest(fn, operation);
          return next(args);
        }
        const result = await next(args);
        const billed = recordSqs(ledgerOf(fn), 'function', operation, args.input, undefined);
        const queue = options.queueNames[String(args.input.QueueUrl)];
        if (queue !== undefined && (operation === 'SendMessage' || operation === 'SendMessageBatch')) {
          const messages =
            operation === 'SendMessage' ? [args.input] : ((args.input.Entries as Record<string, unknown>[] | undefined) ?? []);
          const bytes = messages.reduce((sum, message) => sum + messageBytes(message), 0);
          ledgerOf(fn).functionSend(fn, queue, operation, billed, messages.length, bytes);
        }
        return result;
      };
    stack.add(middleware, { step: 'build', priority: 'high', name: 'costRecorder' });
  });

  async function recordDynamo(
    ledger: Ledger,
    fn: string,
    operation: string,
    args: { input: Record<string, unknown> },
    next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
    described: string,
  ): Promise<unknown> {
    const input = args.input;
    const tableName = String(input.TableName ?? '');
    const table = tables.byName.get(tableName);
    if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') {
      if (!table) throw new Error(`cost recorder: unknown table ${tableName}`);
      const keyNames = [table.definition.partitionKey, table.definition.sortKey].filter((name): name is string => name !== undefined);
      const source = (operation === 'PutItem' ? input.Item : input.Key) as Item;
      const key = Object.fromEntries(keyNames.map((name) => [name, source[name] as AttributeValue]));
      const before = await get(tableName, key);
      let conditionFailed = false;
      try {
        return await next(args);
      } catch (error) {
        conditionFailed = (error as Error).name === 'ConditionalCheckFailedException';
        throw error;
      } finally {
        const after = conditionFailed ? before : await get(tableName, key);
        const indexes = Object.fromEntries(
          Object.entries(table.definition.globalSecondaryIndexes).map(([name, index]) => [
            name,
            { partitionKey: index.partitionKey, sortKey: index.sortKey, include: 'include' in index ? index.include : undefined },
          ]),
        );
        const cost = writeCost({ before, after, table: table.definition, indexes, conditionFailed });
        const pk = partitionOf(key, table.definition);
        ledger.dynamoWrite(
          fn,
          `${table.logical} ${operation}`,
          [
            { partition: `${table.logical} ${pk}`, units: cost.tableUnits },
            ...cost.indexes.flatMap((write) =>
              write.partitions.map((partition) => ({
                partition: `${table.logical} ${write.index} ${partition.key}`,
                units: partition.units,
                index: `${table.logical} ${write.index}`,
              })),
            ),
          ],
          conditionFailed,
          keyShape(key),
          Math.max(itemSize(before), itemSize(after)),
        );
      }
    }
    const result = await next(args);
    if (operation === 'GetItem' && table) {
      const key = input.Key as Item;
      const item = await get(tableName, key);
      ledger.dynamoRead(
        fn,
        `${table.logical} GetItem`,
        `${table.logical} ${partitionOf(key, table.definition)}`,
        readUnits(itemSize(item), input.ConsistentRead === true),
        described,
      );
    } else if (operation === 'Query' && table) {
      const query = input as unknown as QueryCommandInput;
      const index = query.IndexName ? table.definition.globalSecondaryIndexes[query.IndexName as never] : undefined;
      const partitionKey = (index as { partitionKey: string } | undefined)?.partitionKey ?? table.definition.partitionKey;
      const items = await queryWhole(query);
      const partition = items[0] ? partitionOf(items[0], { partitionKey }) : firstValue(query.ExpressionAttributeValues);
      ledger.dynamoRead(
        fn,
        `${table.logical} Query${query.IndexName ? ` ${query.IndexName}` : ''}`,
        `${table.logical}${query.IndexName ? ` ${query.IndexName}` : ''} ${partition}`,
        queryUnits(
          items.map((item) => itemSize(item)),
          query.ConsistentRead === true,
        ),
        described,
      );
    } else if (operation === 'BatchGetItem') {
      const requests = input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
      for (const [name, request] of Object.entries(requests)) {
        const definition = tables.byName.get(name);
        if (!definition) continue;
        const response = await raw.send(
          new BatchGetItemCommand({ RequestItems: { [name]: { Keys: request.Keys, ConsistentRead: true } } }),
        );
        const found = response.Responses?.[name] ?? [];
        // [RW] an item that does not exist still costs the minimum read.
        const sizes = request.Keys.map((key) => {
          const pk = partitionOf(key, definition.definition);
          return itemSize(found.find((item) => partitionOf(item, definition.definition) === pk && sameKey(item, key)));
        });
        for (const [position, key] of request.Keys.entries()) {
          ledger.dynamoRead(
            fn,
            `${definition.logical} BatchGetItem (per item)`,
            `${definition.logical} ${partitionOf(key, definition.definition)}`,
            batchGetUnits([sizes[position] ?? 0], request.ConsistentRead === true),
          );
        }
      }
    } else {
      ledger.dynamoRead(fn, `${table?.logical ?? tableName} ${operation} (not costed)`, `${tableName} ?`, 0);
    }
    return result;
  }

  async function get(tableName: string, key: Item): Promise<Item | undefined> {
    const response = await raw.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return response.Item;
  }

  /** The same page, whole items (Query is billed on the items read before any filter or projection). */
  async function queryWhole(query: QueryCommandInput): Promise<Item[]> {
    const expression = query.KeyConditionExpression ?? '';
    const used = (record: Record<string, unknown> | undefined, sigil: string) =>
      record
        ? Object.fromEntries(Object.entries(record).filter(([name]) => expression.includes(name) && name.startsWith(sigil)))
        : undefined;
    const names = used(query.ExpressionAttributeNames, '#');
    const response = await raw.send(
      new QueryCommand({
        TableName: query.TableName,
        IndexName: query.IndexName,
        KeyConditionExpression: query.KeyConditionExpression,
        ExpressionAttributeNames: names && Object.keys(names).length > 0 ? (names as Record<string, string>) : undefined,
        ExpressionAttributeValues: used(query.ExpressionAttributeValues, ':') as Record<string, AttributeValue> | undefined,
        ExclusiveStartKey: query.ExclusiveStartKey,
        ScanIndexForward: query.ScanIndexForward,
        Limit: query.Limit,
        ConsistentRead: query.ConsistentRead,
      }),
    );
    return response.Items ?? [];
  }

  // SQS calls of the local cloud's own clients: the event source mapping and S3's notifications.
  const sqsSend = SQSClient.prototype.send;
  const sqsSendAny = sqsSend as unknown as (this: SQSClient, ...args: unknown[]) => Promise<unknown>;
  SQSClient.prototype.send = async function send(this: SQSClient, command: unknown, ...rest: unknown[]) {
    const result = (await sqsSendAny.call(this, command, ...rest)) as { Messages?: Message[] };
    if (!handlerClients.has(this)) {
      const operation = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
      // The local cloud sends S3's notifications itself: in AWS, S3 sends them to the queue.
      const origin: SqsOrigin = operation === 'SendMessage' ? 's3-notification' : 'event-source-mapping';
      const fn = invocation.getStore()?.fn;
      const input = (command as { input: Record<string, unknown> }).input;
      const ledger = fn ? ledgerOf(fn) : recorder.ledger;
      recordSqs(ledger, origin, operation, input, result);
      if (origin === 'event-source-mapping') recordMapping(ledger, options.queueNames[String(input.QueueUrl)], operation, input, result);
    }
    return result;
  } as typeof sqsSend;

  const secretsSend = SecretsManagerClient.prototype.send;
  const secretsSendAny = secretsSend as unknown as (this: SecretsManagerClient, ...args: unknown[]) => Promise<unknown>;
  SecretsManagerClient.prototype.send = async function send(this: SecretsManagerClient, ...args: unknown[]) {
    const fn = invocation.getStore()?.fn;
    if (fn !== undefined) ledgerOf(fn).secretsManager.calls += 1;
    return secretsSendAny.apply(this, args);
  } as typeof secretsSend;

  // Handler time: the import (init) happens before, as Lambda bills init apart from the handler.
  const invoke = LocalFunction.prototype.invoke;
  let previous: Promise<void> = Promise.resolve();
  LocalFunction.prototype.invoke = async function timedInvoke(this: LocalFunction, event: unknown) {
    await this.load();
    started += 1;
    running += 1;
    let release = (): void => {};
    if (recorder.oneInvocationAtATime) {
      const turn = previous;
      previous = new Promise((resolve) => {
        release = resolve;
      });
      await turn;
    }
    return invocation.run({ fn: this.name }, async () => {
      const start = performance.now();
      try {
        return await invoke.call(this, event);
      } finally {
        release();
        running -= 1;
        const records = (event as { Records?: unknown } | undefined)?.Records;
        ledgerOf(this.name).invocation(this.name, performance.now() - start, Array.isArray(records) ? records.length : 0);
      }
    });
  };

  // What a function writes would go to its log group: counted, kept off the benchmark's output.
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      const fn = invocation.getStore()?.fn;
      if (fn === undefined) return write(chunk, ...rest);
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      // Embedded metric format lines carry an "_aws" member: CloudWatch metrics, billed as log ingestion.
      ledgerOf(fn).logged(fn, Buffer.byteLength(text), text.includes('"_aws":'));
      return true;
    }) as typeof stream.write;
  }

  recorder.uninstall = () => {
    SQSClient.prototype.send = sqsSend;
    SecretsManagerClient.prototype.send = secretsSend;
    LocalFunction.prototype.invoke = invoke;
    streams.forEach((stream, position) => {
      stream.write = writes[position] as typeof stream.write;
    });
    raw.destroy();
  };
  return recorder;
}

/** A message's billed bytes: its body and its attributes. */
function messageBytes(message: Record<string, unknown>): number {
  return Buffer.byteLength(String(message.MessageBody ?? '')) + messageAttributesBytes(message.MessageAttributes as never);
}

/** Records one SQS request in the ledger; answers the requests it is billed as. */
function recordSqs(ledger: Ledger, origin: SqsOrigin, operation: string, input: Record<string, unknown>, output: unknown): number {
  let billed = 1;
  if (operation === 'ReceiveMessage') {
    const messages = (output as { Messages?: Message[] } | undefined)?.Messages ?? [];
    const bytes = messages.reduce(
      (sum, message) => sum + Buffer.byteLength(message.Body ?? '') + messageAttributesBytes(message.MessageAttributes),
      0,
    );
    billed = Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
    ledger.sqsRequest(origin, operation, billed, messages.length === 0);
    return billed;
  }
  if (operation === 'SendMessage') billed = Math.max(1, Math.ceil(messageBytes(input) / SQS_CHUNK_BYTES));
  if (operation === 'SendMessageBatch') {
    const entries = (input.Entries as Record<string, unknown>[] | undefined) ?? [];
    billed = Math.max(1, Math.ceil(entries.reduce((sum, entry) => sum + messageBytes(entry), 0) / SQS_CHUNK_BYTES));
  }
  // Deletes and visibility changes, single or batched: one request each.
  ledger.sqsRequest(origin, operation, billed);
  return billed;
}

/** An event source mapping's non-empty receive or its delete, with the messages it carried (for the volume model). */
function recordMapping(
  ledger: Ledger,
  queue: string | undefined,
  operation: string,
  input: Record<string, unknown>,
  output: unknown,
): void {
  if (queue === undefined) return;
  if (operation === 'ReceiveMessage') {
    const messages = (output as { Messages?: Message[] } | undefined)?.Messages ?? [];
    if (messages.length === 0) return;
    const bytes = messages.reduce(
      (sum, message) => sum + Buffer.byteLength(message.Body ?? '') + messageAttributesBytes(message.MessageAttributes),
      0,
    );
    ledger.mappingReceive(queue, Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES)), messages.length, bytes);
  } else if (operation === 'DeleteMessageBatch' || operation === 'DeleteMessage') {
    ledger.mappingDelete(queue, operation === 'DeleteMessage' ? 1 : ((input.Entries as unknown[] | undefined) ?? []).length);
  }
}

/**
 * One call as the per-function listing names it: service (or table), operation, the key shape it
 * touches and whether the read is strongly consistent ("main GetItem DECL#<ulid> / META consistent").
 */
export function describeCall(service: string, operation: string, input: Record<string, unknown>, tables: Tables): string {
  if (service !== 'dynamodb') return `${service} ${operation}`;
  const logical = (name: unknown): string => tables.byName.get(String(name))?.logical ?? String(name);
  const consistent = input.ConsistentRead === true ? ' consistent' : '';
  const shapeOf = (table: unknown, item: Item): string => {
    const definition = tables.byName.get(String(table))?.definition;
    const names = definition ? [definition.partitionKey, definition.sortKey].filter((name): name is string => name !== undefined) : [];
    return keyShape(Object.fromEntries(names.flatMap((name) => (item[name] ? [[name, item[name]]] : []))));
  };
  if (operation === 'PutItem') return `${logical(input.TableName)} PutItem ${shapeOf(input.TableName, input.Item as Item)}`;
  if (['GetItem', 'UpdateItem', 'DeleteItem'].includes(operation)) {
    return `${logical(input.TableName)} ${operation} ${shapeOf(input.TableName, input.Key as Item)}${consistent}`;
  }
  if (operation === 'Query') {
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
    const expression = String(input.KeyConditionExpression ?? '');
    const used = Object.entries(values).filter(([name]) => expression.includes(name));
    const index = input.IndexName ? ` ${String(input.IndexName)}` : '';
    // Named when asked for: the oldest first of a range is another read than its newest first (the default here).
    const order = input.ScanIndexForward === true ? ' oldest first' : '';
    return `${logical(input.TableName)} Query${index} ${keyShape(Object.fromEntries(used))}${consistent}${order}`;
  }
  if (operation === 'BatchGetItem') {
    const requests = input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
    return Object.entries(requests)
      .map(
        ([table, request]) =>
          `${logical(table)} BatchGetItem [${[...new Set(request.Keys.map((key) => shapeOf(table, key)))].join(', ')}]${request.ConsistentRead ? ' consistent' : ''}`,
      )
      .join('; ');
  }
  if (operation === 'TransactWriteItems') {
    const items = input.TransactItems as Record<string, { TableName?: string; Key?: Item; Item?: Item }>[];
    const parts = items.flatMap((entry) =>
      Object.entries(entry).map(([kind, action]) => `${kind} ${shapeOf(action.TableName, (action.Key ?? action.Item) as Item)}`),
    );
    return `TransactWriteItems [${parts.join(', ')}]`;
  }
  return `${logical(input.TableName)} ${operation}`;
}

function firstValue(values: Record<string, AttributeValue> | undefined): string {
  const value = Object.values(values ?? {})[0];
  return value?.S ?? value?.N ?? '?';
}

function sameKey(item: Item, key: Item): boolean {
  return Object.entries(key).every(([name, value]) => JSON.stringify(item[name]) === JSON.stringify(value));
}

/**
 * A key with its identifiers generalised, to group writes of the same item shape: ULIDs, dates,
 * long numbers and hex digests become placeholders ("DECL#<ulid> / EVENT#<n>").
 */
export function keyShape(key: Item): string {
  return Object.values(key)
    .map((value) =>
      String(value.S ?? value.N ?? '?')
        .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<ulid>')
        .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?/g, '<date>')
        .replace(/[0-9a-f]{16,}/g, '<hex>')
        .replace(/\d{3,}/g, '<n>'),
    )
    .join(' / ');
}
