/**
 * `npm start`: runs the local cloud until Ctrl-C.
 *
 *   npm start -- [--port 3000] [--data DIR] [--dynamodb-port 8000] [--aws-port 4566]
 *                [--log-level info] [--retry-delay 2] [--region eu-west-2]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { functions, queues } from '#shared/resources.ts';
import {
  DEFAULT_LOCAL_STALLED_AFTER_MINUTES,
  DEFAULT_PORTS,
  DEFAULT_RETRY_DELAY_SECONDS,
  type LocalCloud,
  startLocalCloud,
} from './cloud.ts';
import { buildConsole, consoleBuildState, consoleDistDir } from './console-build.ts';
import { demoUsers } from './demo-users.ts';
import { isLogLevel, type LogLevel } from './log.ts';

const usage = `Usage: npm start -- [options]

  --port <n>           HTTP API port (default ${DEFAULT_PORTS.api}; 0 = any free port)
  --data <dir>         keep DynamoDB data, S3 objects and the signing key in <dir> (default: memory only)
  --dynamodb-port <n>  dynalite port (default ${DEFAULT_PORTS.dynamodb})
  --aws-port <n>       fauxqs port, SQS and S3 (default ${DEFAULT_PORTS.aws})
  --secrets-port <n>   local Secrets Manager port (default ${DEFAULT_PORTS.secrets})
  --kms-port <n>       local KMS port, the customs seal's signing key (default ${DEFAULT_PORTS.kms})
  --log-level <level>  debug | info | warn | error | silent (default info)
  --retry-delay <s>    seconds before a failed SQS record is retried (default ${DEFAULT_RETRY_DELAY_SECONDS})
  --stalled-after <m>  minutes unchanged before the redrive hands a declaration back to its stage
                       (default ${DEFAULT_LOCAL_STALLED_AFTER_MINUTES}; decimals allowed; the redrive runs every minute)
  --chaos <rate>       fail this share (0 to 1) of the handlers' DynamoDB, S3 and SQS calls, and
                       deliver every SQS batch twice (see docs/local-cloud.md); the queue-triggered
                       functions then run in the main thread, not in a thread of their own
  --chaos-seed <n>     seed of the fault draw (default 1)
  --schedule-every <s> run scheduled functions (the redrive) every <s> seconds instead
  --region <name>      region configuration (default: infra/config/regions.ts default)
  --no-console         do not build or serve the web console (console/dist)
  -h, --help           this text
`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n\n${usage}`);
  process.exit(2);
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) fail(`--${name} must be a port number, got '${value}'`);
  return parsed;
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'aws-port': { type: 'string' },
      'secrets-port': { type: 'string' },
      'kms-port': { type: 'string' },
      'log-level': { type: 'string' },
      'retry-delay': { type: 'string' },
      'stalled-after': { type: 'string' },
      chaos: { type: 'string' },
      'chaos-seed': { type: 'string' },
      'schedule-every': { type: 'string' },
      region: { type: 'string' },
      'no-console': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
try {
  args = parse();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (args.values.help) {
  process.stdout.write(usage);
  process.exit(0);
}

const logLevelArg = args.values['log-level'] ?? 'info';
if (!isLogLevel(logLevelArg)) fail(`--log-level must be debug, info, warn, error or silent, got '${logLevelArg}'`);
const logLevel: LogLevel = logLevelArg;
const retryDelay = args.values['retry-delay'] === undefined ? DEFAULT_RETRY_DELAY_SECONDS : Number(args.values['retry-delay']);
if (!Number.isInteger(retryDelay) || retryDelay < 0 || retryDelay > 43_200) fail('--retry-delay must be a whole number of seconds');
const stalledAfter =
  args.values['stalled-after'] === undefined ? DEFAULT_LOCAL_STALLED_AFTER_MINUTES : Number(args.values['stalled-after']);
if (!Number.isFinite(stalledAfter) || stalledAfter < 0.05 || stalledAfter > 1440)
  fail('--stalled-after must be a number of minutes from 0.05 to 1440');
const chaosRate = args.values.chaos === undefined ? undefined : Number(args.values.chaos);
if (chaosRate !== undefined && !(chaosRate >= 0 && chaosRate <= 1)) fail('--chaos must be a share of calls from 0 to 1, e.g. 0.05');
const chaosSeed = Number(args.values['chaos-seed'] ?? 1);
if (!Number.isInteger(chaosSeed)) fail('--chaos-seed must be a whole number');
const scheduleEvery = args.values['schedule-every'] === undefined ? undefined : Number(args.values['schedule-every']);
if (scheduleEvery !== undefined && !(Number.isInteger(scheduleEvery) && scheduleEvery >= 1))
  fail('--schedule-every must be a whole number of seconds');

const write = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

const ports = {
  port: port(args.values.port, DEFAULT_PORTS.api, 'port'),
  dynamodbPort: port(args.values['dynamodb-port'], DEFAULT_PORTS.dynamodb, 'dynamodb-port'),
  awsPort: port(args.values['aws-port'], DEFAULT_PORTS.aws, 'aws-port'),
  secretsPort: port(args.values['secrets-port'], DEFAULT_PORTS.secrets, 'secrets-port'),
  kmsPort: port(args.values['kms-port'], DEFAULT_PORTS.kms, 'kms-port'),
};

// The console is built before anything starts, and only when console/dist is missing or older than its sources.
const consoleShown = path.relative(process.cwd(), consoleDistDir) || consoleDistDir;
let consoleServed = args.values['no-console'] !== true;
if (consoleServed) {
  const state = consoleBuildState();
  if (state.upToDate) {
    write(`Console: ${consoleShown} is up to date.`);
  } else {
    write(`Building the console (${state.reason})...`);
    const started = performance.now();
    try {
      await buildConsole({ onOutput: (line) => write(`  | ${line}`) });
      write(`  - console built into ${consoleShown} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      consoleServed = false;
      process.stderr.write(
        `\nThe console did not build; the API starts without it. Fix the error and start again (or npm run console:build):\n${error instanceof Error ? error.message : String(error)}\n\n`,
      );
    }
  }
}

write('Starting the local cloud (no AWS account needed)...');
let cloud: LocalCloud;
try {
  cloud = await startLocalCloud({
    ...ports,
    ...(args.values.data ? { dataDir: path.resolve(args.values.data) } : {}),
    ...(args.values.region ? { region: args.values.region } : {}),
    logLevel,
    retryDelaySeconds: retryDelay,
    stalledAfterMinutes: stalledAfter,
    ...(chaosRate !== undefined ? { chaos: { faultRate: chaosRate, seed: chaosSeed } } : {}),
    // The pipeline's functions in a thread of their own (local/function-thread.ts), except under chaos, whose faults are injected in this thread.
    functionThread: chaosRate === undefined,
    ...(scheduleEvery !== undefined ? { scheduleEverySeconds: scheduleEvery } : {}),
    ...(consoleServed ? {} : { consoleDir: false as const }),
    onProgress: (step) => write(`  - ${step}`),
  });
  write('Seeding the demo region (tariff pack, exchange rates, valuation references, risk settings and profiles, traders)...');
  // Imported only now: the seed uses the platform's adapters, whose modules read the environment
  // (service name, log level) that startLocalCloud has just applied.
  const { seedDemoData } = await import('./seed.ts');
  await seedDemoData({ onProgress: (line) => write(`  - ${line}`) });
  if (cloud.chaos) {
    cloud.chaos.enable();
    write(`Chaos on: ${Math.round((chaosRate ?? 0) * 100)}% of the handlers' AWS calls fail, every SQS batch is delivered twice.`);
  }
} catch (error) {
  process.stderr.write(`\nThe local cloud did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

printBanner(cloud);

/** How long Ctrl-C waits for in-flight requests and batches before it gives up on them. */
const STOP_TIMEOUT_MS = 15_000;
/**
 * A terminal's Ctrl-C reaches every process of the group, and tsx relays it to this one as well:
 * the same key press can arrive twice within milliseconds. Only a second press after this window
 * means "exit now".
 */
const SAME_KEYPRESS_MS = 1_000;
let stoppingSince: number | undefined;
const shutdown = (signal: string): void => {
  if (stoppingSince !== undefined) {
    if (Date.now() - stoppingSince < SAME_KEYPRESS_MS) return;
    process.stderr.write(`${signal} again: exiting without waiting for in-flight work.\n`);
    process.exit(1);
  }
  stoppingSince = Date.now();
  write(
    `\n${signal}: stopping; in-flight requests and batches finish first (up to ${STOP_TIMEOUT_MS / 1000} s; press Ctrl-C again to exit at once)...`,
  );
  setTimeout(() => {
    process.stderr.write(`Still busy after ${STOP_TIMEOUT_MS / 1000} s: exiting without the rest.\n`);
    process.exit(1);
  }, STOP_TIMEOUT_MS).unref();
  cloud.stop().then(
    () => {
      write('Stopped: every in-flight request and batch finished.');
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

// Import every handler now so that problems show at start (requests would load them anyway).
const loaded = await cloud.preloadHandlers();
const failed = loaded.filter((result) => !result.ok);
if (failed.length === 0) {
  write(`All ${loaded.length} handler modules loaded.`);
} else {
  write(
    `${loaded.length - failed.length}/${loaded.length} handler modules loaded. Not loadable yet (their routes answer 500, their queues are not consumed):`,
  );
  for (const result of failed) write(`  ! ${result.name} (${result.entry}): ${result.error ?? 'unknown error'}`);
}
write('Press Ctrl-C to stop.');

function printBanner(running: LocalCloud): void {
  const pad = (value: string, width: number): string => value.padEnd(width);
  const memoryOr = (persistent: boolean, where: string): string => (persistent ? `data in ${where}` : 'in memory');
  const dataDir = running.dataDir ?? '';
  write();
  write(`Customs clearance local cloud is up (region ${running.region}, stage local)`);
  write();
  write(`  API        ${running.apiUrl}`);
  if (running.consoleDir) write(`  Console    ${running.apiUrl}/   (web console: sign in as a demo user; served from ${consoleShown})`);
  write(
    `  DynamoDB   ${pad(running.endpoints.dynamodb, 40)} dynalite, ${memoryOr(running.persistence.dynamodb, path.join(dataDir, 'dynamodb'))}`,
  );
  write(`  SQS        ${pad(running.endpoints.sqs, 40)} fauxqs, in memory`);
  write(`  S3         ${pad(running.endpoints.s3, 40)} fauxqs, ${memoryOr(running.persistence.s3, path.join(dataDir, 's3'))}`);
  write(`  Secrets    ${pad(running.endpoints.secretsManager, 40)} local Secrets Manager (GetSecretValue)`);
  write(`  KMS        ${pad(running.endpoints.kms, 40)} local KMS (the customs seal: Sign, GetPublicKey)`);
  write(`  Issuer     ${running.issuer} (audience ${running.audience}, JWKS ${running.jwksUrl})`);
  write();
  write('Routes');
  for (const [name, definition] of Object.entries(functions)) {
    for (const trigger of definition.triggers) {
      if (trigger.kind === 'http')
        write(`  ${pad(`${trigger.method} ${trigger.path}`, 36)} ${pad(name, 24)} ${trigger.auth === 'jwt' ? 'JWT' : 'open'}`);
    }
  }
  write('Queue workers');
  for (const [name, definition] of Object.entries(functions)) {
    for (const trigger of definition.triggers) {
      if (trigger.kind !== 'queue') continue;
      const queue = queues[trigger.queue];
      write(
        `  ${pad(name, 24)} <- ${trigger.queue} (batch ${Math.min(trigger.batchSize, 10)}; DLQ after ${queue.maxReceiveCount} receives)`,
      );
    }
  }
  write();
  write('Demo users (tokens valid 12 h; the local cloud has no user store, these identities are built in)');
  for (const user of demoUsers) {
    const token = running.mintToken({
      role: user.role,
      ...(user.party ? { party: user.party } : {}),
      ...(user.agency ? { agency: user.agency } : {}),
    });
    write(`  ${pad(user.username, 9)} ${pad(user.role, 8)} ${pad(user.party ?? user.agency ?? '-', 15)} ${user.name}`);
    write(`    export TOKEN_${user.username.toUpperCase()}=${token}`);
  }
  write();
  const apiFlag = running.apiUrl === `http://127.0.0.1:${DEFAULT_PORTS.api}` ? '' : ` --api ${running.apiUrl}`;
  write('Get a token and call the API:');
  write(`  TOKEN=$(npm run -s token -- --role trader --party GB123456789000${apiFlag})`);
  write(`  curl -H "Authorization: Bearer $TOKEN" ${running.apiUrl}/v1/declarations`);
  write(`  (or POST ${running.apiUrl}/local/token with {"role":"officer"})`);
  write('Point the AWS CLI or a script at the emulators:');
  write(`  export AWS_REGION=${running.environment.AWS_REGION ?? ''} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`);
  write(
    `  export AWS_ENDPOINT_URL_DYNAMODB=${running.endpoints.dynamodb} AWS_ENDPOINT_URL_SQS=${running.endpoints.sqs} AWS_ENDPOINT_URL_S3=${running.endpoints.s3}`,
  );
  write(`  tables: ${Object.values(running.tableNames).join(', ')}; buckets: ${Object.values(running.bucketNames).join(', ')}`);
  write();
}
