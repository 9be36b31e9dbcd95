/**
 * Starts the emulators on 127.0.0.1, each in a worker thread of its own (local/emulator-thread.ts):
 * dynalite (DynamoDB, with TransactWriteItems from local/dynamodb-transactions.ts; built by
 * local/dynalite-server.ts, run by local/dynalite-worker.ts) and fauxqs (SQS and S3; `startFauxqs`
 * runs in local/fauxqs-worker.ts). With `inThread: false` the same emulators run in the calling
 * thread instead (`LocalCloudOptions.emulatorThreads`: the before of an A/B measurement).
 *
 * fauxqs' `startFauxqs()` always binds 0.0.0.0, so the local cloud builds the fauxqs app with its
 * public `buildApp()` and listens on 127.0.0.1 itself. SQS state is always in memory (fauxqs' SQLite
 * persistence has a ChangeMessageVisibility bug). For S3, fauxqs' file storage (`s3StorageDir`) is
 * only wired up by `startFauxqs()`; the local cloud wires the same store classes into `buildApp()`
 * (they are not in fauxqs' exports map, so they are imported from its dist folder). If that ever
 * fails (a fauxqs layout change), S3 falls back to memory with a warning.
 *
 * fauxqs sends no S3 event notifications: the app reports every request of its S3 API that created
 * an object (`onObjectCreated`), and `local/s3-notifications.ts` sends the events S3 would send.
 *
 * fauxqs 2.4 ignores `If-None-Match: *` on a PUT (it overwrites): `refuseOverwrites` answers such a
 * PUT of an existing key 412 PreconditionFailed, as S3 does, so the archive's write-once puts
 * behave locally as in AWS.
 */
import { chmodSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildAppOptions, buildApp } from 'fauxqs';
import type { DynaliteThreadData } from './dynalite-worker.ts';
import { startEmulatorThread } from './emulator-thread.ts';
import { describeError, type Log, type LogLevel } from './log.ts';
import { closeServer, LOOPBACK, listen, type RunningEmulator } from './servers.ts';

export interface DynaliteOptions {
  port: number;
  /** LevelDB directory; in memory when undefined. */
  directory: string | undefined;
  /** In a worker thread of its own (true) or in the calling thread. */
  inThread: boolean;
}

/**
 * dynalite runs in a worker thread (local/dynalite-worker.ts): its request parsing and LevelDB work
 * use a second core instead of competing with the gateway and the handlers for the first. It is
 * the same dynalite behind the same loopback port; only the thread it runs on differs.
 */
export async function startDynalite(options: DynaliteOptions): Promise<RunningEmulator> {
  // Private to the user who runs the platform: it holds declarations and documents.
  if (options.directory) {
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
    chmodSync(options.directory, 0o700);
  }
  if (options.inThread) {
    const data: DynaliteThreadData = { port: options.port, directory: options.directory };
    return startEmulatorThread(new URL('./dynalite-worker.ts', import.meta.url), data);
  }
  // Imported here only: fauxqs' thread loads this module too and needs no dynalite.
  const { createDynaliteServer } = await import('./dynalite-server.ts');
  const server = createDynaliteServer(options.directory);
  return { port: await listen(server, options.port), stop: () => closeServer(server) };
}

export interface FauxqsOptions {
  port: number;
  /** Default region of fauxqs (used only when a request carries no SigV4 region). */
  region: string;
  /** Directory for S3 objects as files; in memory when undefined. */
  s3Directory: string | undefined;
  log: Log;
}

export interface RunningFauxqs extends RunningEmulator {
  /** Whether S3 objects are stored on disk (false: in memory). */
  s3Persistent: boolean;
  /** Calls `listener` after each request that created an object (also through a presigned URL); returns the unsubscribe. */
  onObjectCreated(listener: (created: CreatedObject) => void): () => void;
  /**
   * Lets pages of these origins (the console) PUT objects from a browser, as a bucket's CORS rule
   * would: only PUT, only the headers a presigned upload carries. No other origin gets CORS headers.
   */
  allowBrowserUploads(origins: readonly string[]): void;
}

/** The headers a presigned document upload sends (content-length is the browser's own). */
const UPLOAD_HEADERS = 'content-type, x-amz-checksum-sha256';

/** An object a request to fauxqs' S3 API created, as S3 would name it in an event. */
export interface CreatedObject {
  bucket: string;
  key: string;
  eventName: 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';
  at: Date;
  sourceIp: string;
  requestId: string | undefined;
}

/**
 * The object a request created, from its route and answer: a PUT of an object (not of a part, a
 * rename or a bucket), a copy, or the completion of a multipart upload, answered 200. A presigned
 * POST form (`POST /<bucket>`) names its key in the form body and is not reported.
 */
export function objectCreatedBy(request: {
  method: string;
  route: string | undefined;
  params: unknown;
  query: unknown;
  headers: Record<string, unknown>;
  statusCode: number;
}): Pick<CreatedObject, 'bucket' | 'key' | 'eventName'> | undefined {
  if (request.statusCode !== 200 || request.route !== '/:bucket/*') return undefined;
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const bucket = params.bucket;
  const key = params['*'];
  if (!bucket || !key) return undefined;
  if (request.method === 'PUT') {
    if ('renameObject' in query || ('uploadId' in query && 'partNumber' in query)) return undefined;
    return { bucket, key, eventName: request.headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put' };
  }
  if (request.method === 'POST' && 'uploadId' in query) return { bucket, key, eventName: 'ObjectCreated:CompleteMultipartUpload' };
  return undefined;
}

type Stores = NonNullable<BuildAppOptions['stores']>;
type FauxqsApp = ReturnType<typeof buildApp>;

/** S3's answer to a conditional write whose condition does not hold. */
const PRECONDITION_FAILED =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>';

/**
 * `If-None-Match: *` on a PUT of an object (conditional write, S3 since 2024): written only if no
 * object has the key, 412 otherwise. fauxqs ignores the header, so this hook asks fauxqs itself
 * (a HEAD of the same path) before the PUT runs. Two such PUTs of one key at once: the second is
 * answered 412 while the first runs (S3 lets the first to finish win and refuses the other).
 */
export function refuseOverwrites(app: FauxqsApp): void {
  const pending = new Set<string>();
  const holding = new WeakMap<object, string>();
  const release = async (request: object): Promise<void> => {
    const key = holding.get(request);
    if (key !== undefined) pending.delete(key);
  };
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'PUT' || request.routeOptions.url !== '/:bucket/*') return;
    if (String(request.headers['if-none-match'] ?? '').trim() !== '*') return;
    const query = (request.query ?? {}) as Record<string, unknown>;
    if ('uploadId' in query || 'renameObject' in query) return;
    // Path-style (`/<bucket>/<key>`): fauxqs rewrote a virtual-hosted request's URL before routing.
    const target = request.url.split('?')[0] ?? request.url;
    const head = pending.has(target)
      ? { statusCode: 200 }
      : await app.inject({ method: 'HEAD', url: target, headers: { host: 'localhost' } });
    if (head.statusCode !== 404) {
      return reply.code(412).header('content-type', 'application/xml').send(PRECONDITION_FAILED);
    }
    pending.add(target);
    holding.set(request, target);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

interface S3FilePersistence {
  loadS3(store: Stores['s3Store']): void;
  close(): void;
}

export async function startFauxqs(options: FauxqsOptions): Promise<RunningFauxqs> {
  let stores: Stores | undefined;
  let s3Persistence: S3FilePersistence | undefined;
  if (options.s3Directory) {
    try {
      ({ stores, s3Persistence } = await fileBackedStores(options.s3Directory));
    } catch (error) {
      options.log.warn(`S3 objects stay in memory: cannot wire fauxqs file storage (${describeError(error)})`);
    }
  }
  const app = buildApp({
    logger: false,
    defaultRegion: options.region,
    ...(stores ? { stores } : {}),
  });
  if (s3Persistence) {
    const persistence = s3Persistence;
    app.addHook('preClose', async () => {
      persistence.close();
    });
  }
  const uploadOrigins = new Set<string>();
  // fauxqs has no CORS: the preflight of a browser's PUT is answered here, before routing.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !uploadOrigins.has(origin)) return;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] === 'PUT') {
      // Answered here: returning the reply from an async hook ends the request.
      return reply
        .code(204)
        .header('access-control-allow-methods', 'PUT')
        .header('access-control-allow-headers', UPLOAD_HEADERS)
        .header('access-control-max-age', '300')
        .send();
    }
  });
  refuseOverwrites(app);
  const objectListeners = new Set<(created: CreatedObject) => void>();
  app.addHook('onResponse', async (request, reply) => {
    if (objectListeners.size === 0) return;
    const created = objectCreatedBy({
      method: request.method,
      route: request.routeOptions.url,
      params: request.params,
      query: request.query,
      headers: request.headers,
      statusCode: reply.statusCode,
    });
    if (!created) return;
    const requestId = reply.getHeader('x-amz-request-id');
    const event: CreatedObject = {
      ...created,
      at: new Date(),
      sourceIp: request.ip,
      requestId: typeof requestId === 'string' ? requestId : undefined,
    };
    for (const listener of objectListeners) {
      try {
        listener(event);
      } catch (error) {
        options.log.warn(`S3 object listener failed: ${describeError(error)}`);
      }
    }
  });
  let address: string;
  try {
    address = await app.listen({ port: options.port, host: LOOPBACK });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return {
    port: Number(new URL(address).port),
    s3Persistent: s3Persistence !== undefined,
    onObjectCreated: (listener) => {
      objectListeners.add(listener);
      return () => objectListeners.delete(listener);
    },
    allowBrowserUploads: (origins) => {
      uploadOrigins.clear();
      for (const origin of origins) uploadOrigins.add(origin);
    },
    stop: async () => {
      await app.close();
    },
  };
}

/** What the main thread passes to local/fauxqs-worker.ts. */
export type FauxqsThreadData = Omit<FauxqsOptions, 'log'>;
/** What local/fauxqs-worker.ts sends back. */
export type FauxqsThreadEvent =
  | { kind: 'objectCreated'; created: CreatedObject }
  | { kind: 'log'; level: Exclude<LogLevel, 'silent'>; message: string };

/**
 * fauxqs in a worker thread (local/fauxqs-worker.ts), as `startFauxqs` would run it in this one:
 * the same app on the same loopback port; its objects created and log lines come back as messages.
 */
export async function startFauxqsThread(options: FauxqsOptions): Promise<RunningFauxqs> {
  const objectListeners = new Set<(created: CreatedObject) => void>();
  const data: FauxqsThreadData = { port: options.port, region: options.region, s3Directory: options.s3Directory };
  const thread = await startEmulatorThread(new URL('./fauxqs-worker.ts', import.meta.url), data, (message) => {
    const event = message as FauxqsThreadEvent;
    if (event.kind === 'log') {
      options.log[event.level](event.message);
      return;
    }
    for (const listener of objectListeners) {
      try {
        listener(event.created);
      } catch (error) {
        options.log.warn(`S3 object listener failed: ${describeError(error)}`);
      }
    }
  });
  return {
    port: thread.port,
    s3Persistent: (thread.detail as { s3Persistent: boolean }).s3Persistent,
    onObjectCreated: (listener) => {
      objectListeners.add(listener);
      return () => objectListeners.delete(listener);
    },
    allowBrowserUploads: (origins) => thread.send({ allowBrowserUploads: [...origins] }),
    stop: () => thread.stop(),
  };
}

async function fileBackedStores(directory: string): Promise<{ stores: Stores; s3Persistence: S3FilePersistence }> {
  const dist = fauxqsDist();
  const load = async (relative: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(path.join(dist, relative)).href)) as Record<string, unknown>;
  const [sqs, sns, s3, files] = await Promise.all([
    load('sqs/sqsStore.js'),
    load('sns/snsStore.js'),
    load('s3/s3Store.js'),
    load('s3/fileS3Persistence.js'),
  ]);
  const SqsStore = exportedClass<Stores['sqsStore']>(sqs, 'SqsStore');
  const SnsStore = exportedClass<Stores['snsStore']>(sns, 'SnsStore');
  const S3Store = exportedClass<Stores['s3Store']>(s3, 'S3Store');
  const FileS3Persistence = exportedClass<S3FilePersistence>(files, 'FileS3Persistence');
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  const s3Store = new S3Store();
  const s3Persistence = new FileS3Persistence(directory);
  // The order startFauxqs() uses: load what is on disk, then write through.
  s3Persistence.loadS3(s3Store);
  // FileS3Persistence implements fauxqs' S3PersistenceProvider, a type its package does not export.
  s3Store.persistence = s3Persistence as unknown as Stores['s3Store']['persistence'];
  return { stores: { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store }, s3Persistence };
}

function exportedClass<T>(module: Record<string, unknown>, name: string): new (...args: unknown[]) => T {
  const value = module[name];
  if (typeof value !== 'function') throw new Error(`fauxqs has no ${name} export where expected`);
  // Checked to be a function; its instance type is the one buildApp() declares for its stores.
  return value as new (
    ...args: unknown[]
  ) => T;
}

/** fauxqs' dist folder, found from this file upwards like Node's resolution would. */
function fauxqsDist(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'node_modules', 'fauxqs', 'dist');
    if (existsSync(path.join(candidate, 'app.js'))) return realpathSync(candidate);
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error('node_modules/fauxqs not found');
    directory = parent;
  }
}
