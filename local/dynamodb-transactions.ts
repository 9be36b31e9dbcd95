/**
 * TransactWriteItems on dynalite, which has no transactions: the local cloud answers it in front of
 * dynalite's own request handler, as DynamoDB would for the writes the platform makes.
 *
 * A transaction runs alone: it waits for the requests dynalite is answering, and every request that
 * arrives meanwhile waits for it (a shared/exclusive lock), so no reader sees half of it. Its
 * elements are written one by one through dynalite itself (with their own conditions, so every
 * condition dynalite understands is checked as DynamoDB checks it), each item's image read first;
 * when an element is refused, the elements written before it are put back as they were and the
 * answer is DynamoDB's `TransactionCanceledException` with a reason per element. A `ConditionCheck`
 * is an update that changes nothing but is conditional, its item put back afterwards. What
 * DynamoDB refuses before writing anything (two elements on one item, more than 100) is refused
 * the same way. Not emulated: idempotency tokens (`ClientRequestToken`), and atomicity if the
 * process dies halfway (locally, a development store).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;
type Element = { kind: 'Put' | 'Update' | 'Delete' | 'ConditionCheck'; request: Json };

/** DynamoDB takes at most 100 elements in one transaction. */
const MAX_ELEMENTS = 100;
const INTERNAL_HEADER = 'x-local-transaction';
const TARGET_PREFIX = 'DynamoDB_20120810.';

/** Lets requests share dynalite while a transaction, alone, waits its turn and then holds it. */
export class SharedExclusiveLock {
  #readers = 0;
  #writer = false;
  readonly #queue: { exclusive: boolean; start: () => void }[] = [];

  async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.#queue.push({ exclusive, start });
      this.#pump();
    });
    try {
      return await work();
    } finally {
      if (exclusive) this.#writer = false;
      else this.#readers -= 1;
      this.#pump();
    }
  }

  /** Starts waiting work in arrival order: shared work while no transaction runs or waits before it. */
  #pump(): void {
    for (let next = this.#queue[0]; next && !this.#writer; next = this.#queue[0]) {
      if (next.exclusive) {
        if (this.#readers > 0) return;
        this.#writer = true;
      } else this.#readers += 1;
      this.#queue.shift();
      next.start();
    }
  }
}

/** Makes `server` (dynalite's) answer TransactWriteItems; every other request still goes to dynalite, in turn with them. */
export function addTransactWriteItems(server: Server): void {
  const [dynalite] = server.listeners('request') as RequestListener[];
  if (!dynalite) throw new Error('dynalite server has no request handler');
  server.removeAllListeners('request');
  const lock = new SharedExclusiveLock();
  const token = randomUUID();
  const keySchemas = new Map<string, string[]>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers[INTERNAL_HEADER] === token) {
      dynalite(request, response);
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target === `${TARGET_PREFIX}TransactWriteItems`) {
      const port = (server.address() as AddressInfo).port;
      // dynalite asks for a signature's headers (it checks no signature): the caller's are passed on.
      const call = internalCaller(port, token, {
        authorization: String(request.headers.authorization ?? ''),
        'x-amz-date': String(request.headers['x-amz-date'] ?? ''),
      });
      void readBody(request)
        .then((body) => lock.run(true, () => transactWrite(JSON.parse(body) as Json, call, keySchemas)))
        .then(
          ({ status, body }) => answer(response, status, body),
          (error: unknown) => answer(response, 500, { __type: 'InternalFailure', message: String(error) }),
        );
      return;
    }
    void lock.run(
      false,
      () =>
        new Promise<void>((done) => {
          response.once('close', done);
          dynalite(request, response);
        }),
    );
  });
}

type Call = (operation: string, input: Json) => Promise<{ status: number; body: Json }>;

function internalCaller(port: number, token: string, signature: Record<string, string>): Call {
  return async (operation, input) => {
    const response = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET_PREFIX}${operation}`,
        ...signature,
        [INTERNAL_HEADER]: token,
      },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
  };
}

async function transactWrite(input: Json, call: Call, keySchemas: Map<string, string[]>): Promise<{ status: number; body: Json }> {
  const elements = ((input.TransactItems ?? []) as Json[]).map(elementOf);
  if (elements.length === 0 || elements.length > MAX_ELEMENTS)
    return validation(`Member must have length less than or equal to ${MAX_ELEMENTS} and greater than or equal to 1`);
  const keyed: { element: Element; table: string; key: Json }[] = [];
  for (const element of elements) {
    if (!element) return validation('Every transaction element must be one of Put, Update, Delete, ConditionCheck');
    const table = String(element.request.TableName);
    const key = element.kind === 'Put' ? await keyOf(table, element.request.Item as Json, call, keySchemas) : (element.request.Key as Json);
    keyed.push({ element, table, key });
  }
  const identities = keyed.map(({ table, key }) => JSON.stringify([table, Object.entries(key).sort()]));
  if (new Set(identities).size !== identities.length)
    return validation('Transaction request cannot include multiple operations on one item');

  const written: { table: string; key: Json; before: Json | undefined }[] = [];
  const restore = async (): Promise<void> => {
    for (const { table, key, before } of written.reverse())
      await call(before ? 'PutItem' : 'DeleteItem', before ? { TableName: table, Item: before } : { TableName: table, Key: key });
  };
  for (const [index, { element, table, key }] of keyed.entries()) {
    const read = await call('GetItem', { TableName: table, Key: key, ConsistentRead: true });
    if (read.status !== 200) {
      await restore();
      return read;
    }
    const before = read.body.Item as Json | undefined;
    const result = await call(...writeOf(element));
    // A condition check changes nothing: its item is put back whatever the check said.
    written.push({ table, key, before });
    if (result.status === 200) continue;
    await restore();
    if (!String(result.body.__type ?? '').endsWith('#ConditionalCheckFailedException')) return result;
    return {
      status: 400,
      body: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${keyed
          .map((_, at) => (at === index ? 'ConditionalCheckFailed' : 'None'))
          .join(', ')}]`,
        CancellationReasons: keyed.map((_, at) =>
          at === index
            ? {
                Code: 'ConditionalCheckFailed',
                Message: 'The conditional request failed',
                ...(element.request.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && before ? { Item: before } : {}),
              }
            : { Code: 'None' },
        ),
      },
    };
  }
  // Condition checks wrote an empty update: put their items back as they were.
  const checks = written.filter((_, at) => keyed[at]?.element.kind === 'ConditionCheck');
  for (const { table, key, before } of checks)
    await call(before ? 'PutItem' : 'DeleteItem', before ? { TableName: table, Item: before } : { TableName: table, Key: key });
  return { status: 200, body: {} };
}

function elementOf(item: Json): Element | undefined {
  for (const kind of ['Put', 'Update', 'Delete', 'ConditionCheck'] as const) if (item[kind]) return { kind, request: item[kind] as Json };
  return undefined;
}

/** The single-item write an element is, with its condition (and nothing DynamoDB takes only in a transaction). */
function writeOf({ kind, request }: Element): [string, Json] {
  const { ReturnValuesOnConditionCheckFailure: _returned, ...write } = request;
  if (kind === 'Put') return ['PutItem', write];
  if (kind === 'Delete') return ['DeleteItem', write];
  if (kind === 'Update') return ['UpdateItem', write];
  const names = { ...((write.ExpressionAttributeNames as Json | undefined) ?? {}), '#localConditionCheck': 'localConditionCheck' };
  return ['UpdateItem', { ...write, ExpressionAttributeNames: names, UpdateExpression: 'REMOVE #localConditionCheck' }];
}

async function keyOf(table: string, item: Json, call: Call, keySchemas: Map<string, string[]>): Promise<Json> {
  let names = keySchemas.get(table);
  if (!names) {
    const described = await call('DescribeTable', { TableName: table });
    const schema = ((described.body.Table as Json | undefined)?.KeySchema ?? []) as { AttributeName: string }[];
    names = schema.map((element) => element.AttributeName);
    keySchemas.set(table, names);
  }
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

function validation(message: string): { status: number; body: Json } {
  return { status: 400, body: { __type: 'com.amazon.coral.validate#ValidationException', message } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}
