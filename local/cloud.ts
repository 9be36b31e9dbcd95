/**
 * The local cloud: the whole platform on one machine, no AWS account, no Docker.
 *
 * - dynalite (DynamoDB) and fauxqs (SQS, S3) on 127.0.0.1, each in a worker thread of this process
 *   (local/emulator-thread.ts: their work runs on other cores than the gateway and the handlers);
 * - the tables, queues (+ dead-letter queues) and buckets of `shared/resources.ts`;
 * - the process environment the CDK stack gives each function (handlers reach the emulators only
 *   through the standard `AWS_ENDPOINT_URL_*` variables);
 * - the S3 event notifications of the buckets, sent to their queues as S3 sends them (fauxqs has none);
 * - a local JWT issuer shaped like Cognito, an HTTP gateway shaped like API Gateway (HTTP API,
 *   payload 2.0, JWT authorizer), and pollers shaped like Lambda's SQS event source mapping.
 *
 * One LocalCloud runs per process at a time (the environment is process-wide); several may run
 * one after another. See docs/local-cloud.md.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { interceptLocalhostDns } from 'fauxqs';
import { defaultRegion, type RegionConfig, regionConfig } from '#infra/config/regions.ts';
import {
  type BucketName,
  type QueueName,
  buckets as realBuckets,
  eventBuses as realEventBuses,
  functions as realFunctions,
  queues as realQueues,
  secrets as realSecrets,
  signingKeys as realSigningKeys,
  tables as realTables,
  type TableName,
} from '#shared/resources.ts';
import { enforceAccess } from './access-control.ts';
import type { ResourceIndex } from './access-policy.ts';
import { type Chaos, installChaos } from './chaos.ts';
import type { LocalBucketDefinition, LocalFunctionDefinition, LocalQueueDefinition, LocalTableDefinition } from './definitions.ts';
import { type RunningFauxqs, startDynalite, startFauxqs, startFauxqsThread } from './emulators.ts';
import { applyEnvironment, type Endpoints } from './environment.ts';
import { type RunningEventBridge, startEventBridge } from './eventbridge.ts';
import { type FunctionThread, startFunctionThread } from './function-thread.ts';
import { createGateway, type Gateway } from './gateway.ts';
import { createIssuer, type MintTokenInput, type TokenOverrides } from './issuer.ts';
import { startKms } from './kms.ts';
import { ACCOUNT_ID, LocalFunction, processState } from './lambda.ts';
import { createLog, describeError, type Log, type LogLevel } from './log.ts';
import { PayoutDesk, SIMULATOR_PAYOUTS_PATH, simulatorKey } from './payment-simulator.ts';
import { QueuePoller } from './poller.ts';
import { ensureBucket, ensureQueue, ensureTable, repairIndexes } from './provision.ts';
import { signWithPlaceholder, signWithPlaceholders } from './request-signing.ts';
import { compileRoute, type Route } from './routes.ts';
import { startBucketNotifications } from './s3-notifications.ts';
import { startSecretsManager } from './secrets-manager.ts';
import { isAddressInUse, type RunningEmulator } from './servers.ts';

export type { LocalBucketDefinition, LocalFunctionDefinition, LocalQueueDefinition, LocalTableDefinition } from './definitions.ts';
export type { Endpoints } from './environment.ts';
export type { BusEvent } from './eventbridge.ts';
export type { MintTokenInput, TokenOverrides } from './issuer.ts';
export type { LogLevel } from './log.ts';

export const DEFAULT_PORTS = { api: 3000, dynamodb: 8000, aws: 4566, secrets: 4584, kms: 4599, events: 4589 } as const;
export const DEFAULT_RETRY_DELAY_SECONDS = 2;
export const RESOURCE_PREFIX = 'customs-local';

/** Poll loops of a queue trigger whose records wait on others' systems (webhook receivers), as Lambda's five concurrent batches. */
const WAITING_POLL_LOOPS = 5;
/** Poll loops of a queue trigger while its queue has a backlog (maxPollersPerQueue's default). */
const BACKLOG_POLL_LOOPS = 3;

export interface LocalCloudOptions {
  /** Port of the HTTP gateway (default 3000; 0 = any free port). */
  port?: number;
  /** Port of dynalite (default 8000; 0 = any free port, reused by later clouds of this process). */
  dynamodbPort?: number;
  /** Port of fauxqs, SQS and S3 (default 4566; 0 = any free port, reused by later clouds of this process). */
  awsPort?: number;
  /** Port of the local Secrets Manager (default 4584; with awsPort 0 also 0). */
  secretsPort?: number;
  /** Port of the local KMS (default 4599; with awsPort 0 also 0). */
  kmsPort?: number;
  /** Keep DynamoDB data, S3 objects and the signing key here; everything in memory when omitted. */
  dataDir?: string;
  /** Functions to serve (default: the real ones of shared/resources.ts). */
  functions?: Record<string, LocalFunctionDefinition>;
  /** Queues to create (default: shared/resources.ts). */
  queues?: Record<string, LocalQueueDefinition>;
  /** Tables to create (default: shared/resources.ts). */
  tables?: Record<string, LocalTableDefinition>;
  /** Buckets to create (default: shared/resources.ts). */
  buckets?: Record<string, LocalBucketDefinition>;
  /** Region configuration to run (default: the default region of infra/config/regions.ts). */
  region?: string;
  /** Directory that function entries are relative to (default: the repository root). */
  rootDir?: string;
  /** Level of the local cloud's own log lines (default 'info'); also the default POWERTOOLS_LOG_LEVEL. */
  logLevel?: LogLevel;
  /** Seconds before a failed SQS record is visible again (default 2; Lambda would wait the visibility timeout). */
  retryDelaySeconds?: number;
  /**
   * Poll loops per queue trigger (default 1, at most the trigger's `maxConcurrency`; a trigger
   * whose records wait on others' systems, `waitsOnOthers`, gets WAITING_POLL_LOOPS). Lambda starts
   * five concurrent batches per mapping, each in an environment of its own; here every handler's
   * own work shares one thread, so more loops mostly make batches smaller: on two cores five loops
   * per queue cut intake at 16 clients from about 72 to 34 submissions/s (docs/local-cloud.md).
   */
  pollersPerQueue?: number;
  /**
   * Poll loops per queue trigger while its queue has a backlog (default BACKLOG_POLL_LOOPS, at least
   * `pollersPerQueue`, at most the trigger's `maxConcurrency`): a loop that receives a full batch
   * starts another, as Lambda adds pollers while messages are still available, and the extra loops
   * end when a receive finds less than a full batch. Batches stay full, so the extra loops do not
   * cost what standing ones did; they let a stage whose batches wait on DynamoDB (the release stage's
   * charges) run two or three batches at once instead of falling behind (docs/local-cloud.md).
   */
  maxPollersPerQueue?: number;
  /**
   * Minutes unchanged after which the redrive hands a declaration back to its stage (default 1:
   * with the redrive running every minute, a crashed declaration resumes within 2 minutes).
   */
  stalledAfterMinutes?: number;
  /** Refuse declarations without the declarant's signature (default: the region config's `requireDeclarationSignatures`). */
  requireDeclarationSignatures?: boolean;
  /** When sealed documents are printed (default: the region config's `documentPrinting`); a test of at-issue printing sets it. */
  documentPrinting?: RegionConfig['documentPrinting'];
  /** Webhook retries and disabling (default: the region config's `webhooks`); tests make them small. */
  webhooks?: Partial<RegionConfig['webhooks']>;
  /**
   * Chaos: fail this share of the handlers' DynamoDB, S3 and SQS calls and deliver every SQS
   * batch twice. Faults start disabled: call `chaos.enable()` (e.g. after seeding).
   */
  chaos?: { faultRate: number; seed: number };
  /** Run scheduled functions this often instead of their schedule (chaos runs; default: the schedule). */
  scheduleEverySeconds?: number;
  /**
   * Run dynalite and fauxqs each in a worker thread of their own (default true). false runs them in
   * the main thread beside the gateway and the handlers, as before: for A/B measurements
   * (`npm run bench -- intake --emulators-in-process`).
   */
  emulatorThreads?: boolean;
  /**
   * Run the functions without an HTTP route (the queue- and schedule-triggered ones: the pipeline's
   * stages, documents, notifications, redrive) in one worker thread of their own (default false;
   * `npm start` and `npm run bench` turn it on): the main thread keeps the gateway, the API handlers
   * and the pollers (local/function-thread.ts). Not with `chaos`: its faults are injected in this thread.
   */
  functionThread?: boolean;
  /** Called with each start-up step, for progress output. */
  onProgress?: (step: string) => void;
  /**
   * The built console served at `/` beside the API (default `console/dist` of the repository,
   * served once it exists; `npm start` builds it); false serves none.
   */
  consoleDir?: string | false;
}

/** Locally the redrive is eager: a declaration stopped by a crash resumes within 2 minutes. */
export const DEFAULT_LOCAL_STALLED_AFTER_MINUTES = 1;

/**
 * Values by logical name. The real names are typed keys (`cloud.queueUrls.validation` is a string);
 * with custom definitions (tests) look names up by their own keys.
 */
export type ResourceMap<K extends string> = Readonly<Record<K, string>> & Readonly<Record<string, string>>;

export interface PreloadResult {
  name: string;
  entry: string;
  ok: boolean;
  error?: string;
}

export interface LocalCloud {
  /** Base URL of the HTTP gateway, e.g. http://127.0.0.1:3000 */
  apiUrl: string;
  /** The folder of the built console the gateway serves at `/`, if any. */
  consoleDir: string | undefined;
  endpoints: Endpoints;
  /** Queue URLs by logical name. */
  queueUrls: ResourceMap<QueueName>;
  queueArns: ResourceMap<QueueName>;
  /** Dead-letter queue URLs by logical name of their source queue. */
  deadLetterQueueUrls: ResourceMap<QueueName>;
  tableNames: ResourceMap<TableName>;
  bucketNames: ResourceMap<BucketName>;
  /** `iss` of local tokens. */
  issuer: string;
  /** `aud` of local tokens (the local app client id). */
  audience: string;
  jwksUrl: string;
  /** The variables set in process.env for the handlers. */
  environment: Record<string, string>;
  dataDir: string | undefined;
  /** What survives a restart with the same dataDir. */
  persistence: { dynamodb: boolean; s3: boolean; signingKey: boolean; sqs: false };
  region: string;
  functionNames: string[];
  /** Issues an ID-token-shaped JWT the gateway accepts (overrides: for tests of refusals). */
  mintToken(input: MintTokenInput, overrides?: TokenOverrides): string;
  /** The in-process event bus (the notifications the platform publishes, as EventBridge would receive them). */
  eventBus: Pick<RunningEventBridge, 'events' | 'subscribe'>;
  /** Fault injection, when started with `chaos`. */
  chaos: Chaos | undefined;
  /** The payment provider simulator's payouts endpoint (what it took; `available = false` plays a provider that is down). */
  paymentSimulator: PayoutDesk;
  /** Invokes a scheduled function now, with an EventBridge scheduled event (also runs on its schedule). */
  runScheduled(functionName: string): Promise<void>;
  /** Poll loops running now per queue trigger (`<function> <queue>`): the standing ones and those a backlog added. */
  pollLoops(): Record<string, number>;
  /** Imports every handler module now instead of on first use; reports failures without throwing. */
  preloadHandlers(): Promise<PreloadResult[]>;
  /** Stops pollers (in-flight batches finish), the gateway, fauxqs and dynalite; restores DNS and env. */
  stop(): Promise<void>;
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Ports used last in this process: clouds asking for port 0 get them again (see stickyPort). */
const lastPorts: { dynamodb?: number; aws?: number; secrets?: number; kms?: number; events?: number } = {};
let lastEndpoints: Endpoints | undefined;
let running = false;

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  if (running) throw new Error('A LocalCloud is already running in this process; stop it first (the environment is process-wide).');
  running = true;
  const log = createLog(options.logLevel ?? 'info');
  const progress = (step: string): void => {
    options.onProgress?.(step);
    log.debug(step);
  };
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log.warn(`while stopping: ${describeError(error)}`);
      }
    }
    cleanups.length = 0;
    running = false;
  };

  try {
    return await start(options, log, progress, cleanups, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function start(
  options: LocalCloudOptions,
  log: Log,
  progress: (step: string) => void,
  cleanups: Array<() => Promise<void> | void>,
  cleanup: () => Promise<void>,
): Promise<LocalCloud> {
  const regionName = options.region ?? defaultRegion;
  const configured = regionConfig(regionName);
  const region = {
    ...configured,
    stalledAfterMinutes: options.stalledAfterMinutes ?? DEFAULT_LOCAL_STALLED_AFTER_MINUTES,
    requireDeclarationSignatures: options.requireDeclarationSignatures ?? configured.requireDeclarationSignatures,
    webhooks: { ...configured.webhooks, ...options.webhooks },
    documentPrinting: options.documentPrinting ?? configured.documentPrinting,
  };
  const awsRegion = region.awsRegion;
  const rootDir = options.rootDir ?? repositoryRoot;
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
  const functionDefinitions: Record<string, LocalFunctionDefinition> = options.functions ?? realFunctions;
  const queueDefinitions: Record<string, LocalQueueDefinition> = options.queues ?? realQueues;
  const tableDefinitions: Record<string, LocalTableDefinition> = options.tables ?? realTables;
  const bucketDefinitions: Record<string, LocalBucketDefinition> = options.buckets ?? realBuckets;
  const retryDelaySeconds = options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS;

  // Functions and routes first: a bad definition fails before anything listens.
  if (options.functionThread && options.chaos)
    throw new Error('functionThread and chaos cannot be combined: chaos injects its faults in the main thread');
  const threaded = (definition: LocalFunctionDefinition): boolean =>
    options.functionThread === true && definition.triggers.every((trigger) => trigger.kind !== 'http');
  // Started once the handlers' environment is known (below); nothing invokes a threaded function before.
  let functionThread: FunctionThread | undefined;
  const inFunctionThread: FunctionThread = {
    load: (name) => started(functionThread).load(name),
    invoke: (name, eventJson, deadlineMs) => started(functionThread).invoke(name, eventJson, deadlineMs),
    stop: async (graceMs) => functionThread?.stop(graceMs),
  };
  const localFunctions = new Map<string, LocalFunction>();
  const routes: Route<LocalFunction>[] = [];
  for (const [name, definition] of Object.entries(functionDefinitions)) {
    const fn = new LocalFunction(name, definition, rootDir, awsRegion, threaded(definition) ? inFunctionThread : undefined);
    localFunctions.set(name, fn);
    for (const trigger of definition.triggers) {
      if (trigger.kind === 'http') {
        const route = compileRoute(trigger.method, trigger.path, trigger.auth, fn);
        if (/^\/local(-issuer)?(\/|$)/.test(trigger.path))
          throw new Error(`${route.routeKey} (${name}) collides with the local gateway's own /local routes`);
        const clash = routes.find((other) => other.routeKey === route.routeKey);
        if (clash) throw new Error(`Route ${route.routeKey} is defined by both ${clash.target.name} and ${name}`);
        routes.push(route);
      } else if (trigger.kind === 'queue' && !(trigger.queue in queueDefinitions)) {
        throw new Error(`${name} is triggered by unknown queue '${trigger.queue}'`);
      }
    }
  }

  // Emulators. The data folder holds declarations, documents and the signing key: only its owner may read it.
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chmodSync(dataDir, 0o700);
  }
  const emulatorThreads = options.emulatorThreads ?? true;
  progress(`starting DynamoDB (dynalite)${dataDir ? ` with data in ${path.join(dataDir, 'dynamodb')}` : ' in memory'}`);
  const dynamo = await stickyPort('dynamodb', options.dynamodbPort ?? DEFAULT_PORTS.dynamodb, log, (port) =>
    startDynalite({ port, directory: dataDir ? path.join(dataDir, 'dynamodb') : undefined, inThread: emulatorThreads }),
  );
  cleanups.push(() => dynamo.stop());
  progress(`starting SQS and S3 (fauxqs)${dataDir ? `, S3 objects in ${path.join(dataDir, 's3')}` : ' in memory'}`);
  const fauxqs: RunningFauxqs = await stickyPort('aws', options.awsPort ?? DEFAULT_PORTS.aws, log, (port) =>
    (emulatorThreads ? startFauxqsThread : startFauxqs)({
      port,
      region: awsRegion,
      s3Directory: dataDir ? path.join(dataDir, 's3') : undefined,
      log,
    }),
  );
  cleanups.push(() => fauxqs.stop());

  const secretNames = Object.fromEntries(
    Object.keys(realSecrets).map((name) => [name, `${RESOURCE_PREFIX}/${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`]),
  );
  const secretsManager = await stickyPort(
    'secrets',
    options.secretsPort ?? (options.awsPort === 0 ? 0 : DEFAULT_PORTS.secrets),
    log,
    (port) => startSecretsManager({ port, region: awsRegion, secrets: secretNames, dataDir }),
  );
  cleanups.push(() => secretsManager.stop());
  progress(
    `Secrets Manager (local) with ${Object.keys(secretNames).length} secret(s)${dataDir ? ` kept in ${path.join(dataDir, 'secrets.json')}` : ', random per start'}`,
  );

  const kms = await stickyPort('kms', options.kmsPort ?? (options.awsPort === 0 ? 0 : DEFAULT_PORTS.kms), log, (port) =>
    startKms({ port, region: awsRegion, keys: Object.keys(realSigningKeys), dataDir }),
  );
  cleanups.push(() => kms.stop());
  progress(
    `KMS (local) with ${Object.keys(kms.keyIds).length} signing key(s)${dataDir ? ` kept in ${path.join(dataDir, 'kms-keys.json')}` : ', random per start'}`,
  );

  const busNames = Object.fromEntries(Object.keys(realEventBuses).map((name) => [name, `${RESOURCE_PREFIX}-${name}`]));
  const eventBridge = await stickyPort('events', options.awsPort === 0 ? 0 : DEFAULT_PORTS.events, log, (port) =>
    startEventBridge({ port, buses: busNames }),
  );
  cleanups.push(() => eventBridge.stop());
  progress(`EventBridge (local, in-process) with ${Object.keys(busNames).length} bus(es)`);

  // fauxqs names queues http://sqs.<region>.localhost:<port>/... and S3 is addressed
  // virtual-hosted style (<bucket>.s3.localhost): make *.localhost resolve in this process.
  const restoreDns = interceptLocalhostDns();
  cleanups.push(() => restoreDns());

  const endpoints: Endpoints = {
    dynamodb: `http://127.0.0.1:${dynamo.port}`,
    sqs: `http://sqs.${awsRegion}.localhost:${fauxqs.port}`,
    s3: `http://s3.localhost:${fauxqs.port}`,
    secretsManager: `http://127.0.0.1:${secretsManager.port}`,
    kms: `http://127.0.0.1:${kms.port}`,
    eventBridge: `http://127.0.0.1:${eventBridge.port}`,
  };
  if (processState.handlersLoaded && lastEndpoints && JSON.stringify(lastEndpoints) !== JSON.stringify(endpoints)) {
    log.warn(
      'Handler modules imported by an earlier LocalCloud of this process keep SDK clients bound to the old endpoints ' +
        `(${JSON.stringify(lastEndpoints)}); use the same ports or a fresh process.`,
    );
  }
  lastEndpoints = endpoints;

  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  // The local cloud's own clients (provisioning, pollers, S3 notifications) sign as the handlers' do (local/request-signing.ts).
  const dynamodb = signWithPlaceholder(new DynamoDBClient({ region: awsRegion, endpoint: endpoints.dynamodb, credentials }), 'dynamodb');
  const sqs = signWithPlaceholder(new SQSClient({ region: awsRegion, endpoint: endpoints.sqs, credentials }), 'sqs');
  const s3 = signWithPlaceholder(new S3Client({ region: awsRegion, endpoint: endpoints.s3, credentials }), 's3');
  cleanups.push(() => {
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
  });

  // Resources, from the one definition.
  const names = (name: string): string => `${RESOURCE_PREFIX}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
  const tableNames: Record<string, string> = {};
  for (const [name, definition] of Object.entries(tableDefinitions)) {
    tableNames[name] = names(name);
    const outcome = await ensureTable(dynamodb, names(name), definition);
    progress(`table ${names(name)} ${outcome === 'created' ? 'created' : 'found'}`);
    // Found on disk after a restart: rewrite its items so that no index misses one (see repairIndexes).
    if (outcome === 'existing' && Object.keys(definition.globalSecondaryIndexes).length > 0) {
      progress(`table ${names(name)}: ${await repairIndexes(dynamodb, names(name))} item(s) re-indexed`);
    }
  }
  const queueUrls: Record<string, string> = {};
  const queueArns: Record<string, string> = {};
  const deadLetterQueueUrls: Record<string, string> = {};
  for (const [name, definition] of Object.entries(queueDefinitions)) {
    const queue = await ensureQueue(sqs, names(name), definition);
    queueUrls[name] = queue.url;
    queueArns[name] = queue.arn;
    deadLetterQueueUrls[name] = queue.dlqUrl;
    progress(`queue ${names(name)} (+ ${names(name)}-dlq after ${definition.maxReceiveCount} receives) created`);
  }
  const bucketNames: Record<string, string> = {};
  for (const [name, definition] of Object.entries(bucketDefinitions)) {
    bucketNames[name] = names(name);
    const outcome = await ensureBucket(s3, names(name), definition, awsRegion);
    progress(`bucket ${names(name)} ${outcome === 'created' ? 'created' : 'found'}`);
  }
  const notifications = await startBucketNotifications({
    fauxqs,
    s3,
    sqs,
    awsRegion,
    log,
    buckets: bucketDefinitions,
    bucketNames,
    queueUrls,
  });
  cleanups.push(() => notifications.stop());
  for (const route of notifications.routes) progress(`S3 events: ${route}`);

  // Chaos middleware is registered before any handler (and so any SDK client) exists.
  const chaos = options.chaos ? installChaos(options.chaos) : undefined;
  if (options.chaos)
    progress(
      `chaos: ${Math.round(options.chaos.faultRate * 100)}% of handler SDK calls fail once enabled; every SQS batch delivered twice`,
    );

  // No emulator checks a signature: the handlers' requests carry a placeholder (local/request-signing.ts).
  signWithPlaceholders();
  // Each handler call is checked against its function's access, as IAM would (local/access-control.ts).
  const resourceIndex: ResourceIndex = {
    tables: Object.fromEntries(
      Object.entries(tableDefinitions).map(([name, definition]) => [tableNames[name] ?? name, { logical: name, definition }]),
    ),
    buckets: Object.fromEntries(Object.entries(bucketNames).map(([name, physical]) => [physical, name])),
    queues: Object.fromEntries(Object.entries(queueUrls).map(([name, url]) => [url, name])),
    signingKeys: Object.fromEntries(Object.entries(kms.keyIds).map(([name, keyId]) => [keyId, name])),
    eventBuses: Object.fromEntries(Object.entries(busNames).map(([name, physical]) => [physical, name])),
    secrets: Object.fromEntries(Object.entries(secretNames).map(([name, physical]) => [physical, name])),
  };
  const stopEnforcing = enforceAccess(resourceIndex, { awsRegion, accountId: ACCOUNT_ID });
  cleanups.push(() => stopEnforcing());

  // Gateway and issuer (the issuer URL carries the gateway's port).
  const consoleDir =
    options.consoleDir === false ? undefined : path.resolve(options.consoleDir ?? path.join(repositoryRoot, 'console', 'dist'));
  // The console's documents go straight from the browser to the archive bucket (a presigned PUT):
  // its origin is the one other place the console's CSP lets it send requests to.
  const archiveOrigin = bucketNames.archive ? [`http://${bucketNames.archive}.s3.localhost:${fauxqs.port}`] : [];
  // The payment provider simulator's payouts endpoint, which the local stage's HTTPS payout adapter calls (over loopback).
  let simulatorKeyRead: Promise<Buffer> | undefined;
  const paymentSimulator = new PayoutDesk(() => {
    simulatorKeyRead ??= simulatorKey({
      secretsEndpoint: `http://127.0.0.1:${secretsManager.port}`,
      secretId: secretNames.paymentProviders ?? '',
      region: awsRegion,
    });
    return simulatorKeyRead;
  });
  const gateway: Gateway = createGateway({
    routes,
    log,
    localRoutes: (request) => paymentSimulator.handle(request),
    ...(consoleDir ? { consoleDir, consoleConnectSources: archiveOrigin } : {}),
  });
  const requestedApiPort = options.port ?? DEFAULT_PORTS.api;
  const apiPort = await gateway.listen(requestedApiPort).catch((error: unknown) => {
    if (isAddressInUse(error)) {
      throw new Error(`Port ${requestedApiPort} (HTTP API) is already in use; choose another one (--port) or 0`, { cause: error });
    }
    throw error;
  });
  cleanups.push(() => gateway.close());
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // The handlers' environment, before any handler module is imported (the gateway answers 503
  // until the issuer is set below); it names the gateway, whose port is known only now.
  const logLevel = options.logLevel ?? 'info';
  const env = applyEnvironment({
    regionName,
    region,
    endpoints,
    resources: { tableNames, queueUrls, bucketNames, secretNames, signingKeyIds: kms.keyIds, eventBusNames: busNames, publicSite: apiUrl },
    payoutSimulatorUrl: `${apiUrl}${SIMULATOR_PAYOUTS_PATH}`,
    logLevel,
  });
  cleanups.push(() => env.restore());
  if (consoleDir) fauxqs.allowBrowserUploads([apiUrl, `http://localhost:${apiPort}`]);
  const issuer = await createIssuer({
    issuer: `${apiUrl}/local-issuer`,
    keysDirectory: dataDir ? path.join(dataDir, 'keys') : undefined,
  });
  gateway.setIssuer(issuer);
  progress(`API gateway listening on ${apiUrl} (${routes.length} route(s))`);
  const threadedFunctions = Object.fromEntries(Object.entries(functionDefinitions).filter(([, definition]) => threaded(definition)));
  if (Object.keys(threadedFunctions).length > 0) {
    functionThread = await startFunctionThread(
      { functions: threadedFunctions, rootDir, awsRegion, accountId: ACCOUNT_ID, resources: resourceIndex },
      log,
    );
    // Stopped after the pollers and schedules, before the environment is restored (cleanups run in reverse order).
    cleanups.push(() => inFunctionThread.stop());
    progress(`${Object.keys(threadedFunctions).length} queue- and schedule-triggered function(s) run in a thread of their own`);
  }

  // Event source mappings.
  const pollers: QueuePoller[] = [];
  for (const fn of localFunctions.values()) {
    for (const trigger of fn.definition.triggers) {
      if (trigger.kind !== 'queue') continue;
      const standing = Math.max(
        1,
        Math.min(
          trigger.maxConcurrency ?? Number.POSITIVE_INFINITY,
          trigger.waitsOnOthers ? WAITING_POLL_LOOPS : (options.pollersPerQueue ?? 1),
        ),
      );
      const poller = new QueuePoller({
        fn,
        queueName: names(trigger.queue),
        queueUrl: queueUrls[trigger.queue] ?? '',
        queueArn: queueArns[trigger.queue] ?? '',
        awsRegion,
        batchSize: trigger.batchSize,
        concurrency: standing,
        maxConcurrency: Math.max(
          standing,
          Math.min(trigger.maxConcurrency ?? Number.POSITIVE_INFINITY, options.maxPollersPerQueue ?? BACKLOG_POLL_LOOPS),
        ),
        retryDelaySeconds,
        sqs,
        log,
        duplicateDeliveries: options.chaos !== undefined,
      });
      poller.start();
      pollers.push(poller);
      progress(`${fn.name} polls ${names(trigger.queue)} (batch size ${Math.min(trigger.batchSize, 10)})`);
    }
  }
  // Schedules, as EventBridge rules would invoke them.
  const runScheduled = async (name: string): Promise<void> => {
    const fn = localFunctions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    const now = new Date();
    await fn.invoke({
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: awsRegion,
      resources: [`arn:aws:events:${awsRegion}:000000000000:rule/${name}`],
      detail: {},
    });
  };
  const timers: NodeJS.Timeout[] = [];
  for (const fn of localFunctions.values()) {
    for (const trigger of fn.definition.triggers) {
      if (trigger.kind !== 'schedule') continue;
      const timer = setInterval(
        () => {
          runScheduled(fn.name).catch((error: unknown) => log.warn(`${fn.name} (schedule) failed: ${describeError(error)}`));
        },
        options.scheduleEverySeconds !== undefined ? options.scheduleEverySeconds * 1000 : trigger.everyMinutes * 60_000,
      );
      timer.unref();
      timers.push(timer);
      progress(
        `${fn.name} runs every ${options.scheduleEverySeconds !== undefined ? `${options.scheduleEverySeconds} second(s)` : `${trigger.everyMinutes} minute(s)`}`,
      );
    }
  }
  // Stopped before the gateway and emulators (cleanups run in reverse order).
  cleanups.push(async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(pollers.map((poller) => poller.stop()));
  });

  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    consoleDir,
    endpoints,
    // Built from the definitions in use: the real ones unless a test passed its own (see ResourceMap).
    queueUrls: queueUrls as ResourceMap<QueueName>,
    queueArns: queueArns as ResourceMap<QueueName>,
    deadLetterQueueUrls: deadLetterQueueUrls as ResourceMap<QueueName>,
    tableNames: tableNames as ResourceMap<TableName>,
    bucketNames: bucketNames as ResourceMap<BucketName>,
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUrl: `${apiUrl}/local/jwks.json`,
    environment: env.applied,
    dataDir,
    persistence: {
      dynamodb: dataDir !== undefined,
      s3: dataDir !== undefined && fauxqs.s3Persistent,
      signingKey: dataDir !== undefined,
      sqs: false,
    },
    region: regionName,
    functionNames: [...localFunctions.keys()],
    mintToken: (input, overrides) => issuer.mint(input, overrides),
    eventBus: { events: () => eventBridge.events(), subscribe: (listener) => eventBridge.subscribe(listener) },
    runScheduled,
    pollLoops: () => Object.fromEntries(pollers.map((poller) => [poller.name, poller.loops])),
    chaos,
    paymentSimulator,
    preloadHandlers: async () =>
      Promise.all(
        [...localFunctions.values()].map(async (fn): Promise<PreloadResult> => {
          try {
            await fn.load();
            return { name: fn.name, entry: fn.definition.entry, ok: true };
          } catch (error) {
            return { name: fn.name, entry: fn.definition.entry, ok: false, error: describeError(error) };
          }
        }),
      ),
    stop: () => {
      stopping ??= cleanup();
      return stopping;
    },
  };
}

function started(thread: FunctionThread | undefined): FunctionThread {
  if (!thread) throw new Error('the function thread has not started yet');
  return thread;
}

/**
 * Starts an emulator on the requested port. For port 0 the port this process used last is tried
 * first: handler modules create SDK clients at import and keep the endpoint they first resolved, so
 * a second LocalCloud in the same process only reaches them if the endpoints stay the same.
 */
async function stickyPort<T extends RunningEmulator>(
  key: keyof typeof lastPorts,
  requested: number,
  log: Log,
  startOn: (port: number) => Promise<T>,
): Promise<T> {
  const previous = lastPorts[key];
  if (requested === 0 && previous !== undefined) {
    try {
      return await startOn(previous);
    } catch (error) {
      if (!isAddressInUse(error)) throw error;
      log.debug(`port ${previous} (${key}) is taken now; using another one`);
    }
  }
  let emulator: T;
  try {
    emulator = await startOn(requested);
  } catch (error) {
    if (isAddressInUse(error)) {
      const what = {
        aws: 'fauxqs, SQS and S3: --aws-port',
        dynamodb: 'dynalite, DynamoDB: --dynamodb-port',
        secrets: 'local Secrets Manager: --secrets-port',
        kms: 'local KMS: --kms-port',
        events: 'local EventBridge',
      }[key];
      throw new Error(`Port ${requested} (${what}) is already in use; choose another one or 0`, { cause: error });
    }
    throw error;
  }
  lastPorts[key] = emulator.port;
  return emulator;
}
