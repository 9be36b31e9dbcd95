/**
 * Prices a Ledger with the checked-in price table: the quantity each declaration consumed of
 * every billed dimension, and its cost in dollars per million declarations. Money is summed as
 * Decimal, never as JS floats.
 */
import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import type { Ledger } from './ledger.ts';

export interface PriceTable {
  region: string;
  checkedOn: string;
  prices: Record<PriceName, { usd: string; per: number; unit: string; source: string; sure: boolean }>;
}

type PriceName =
  | 'dynamodbWriteRequestUnit'
  | 'dynamodbReadRequestUnit'
  | 'dynamodbWriteCapacityUnitHour'
  | 'dynamodbReadCapacityUnitHour'
  | 'dynamodbStorageGbMonth'
  | 'sqsStandardRequest'
  | 's3Tier1Request'
  | 's3Tier2Request'
  | 's3StorageGbMonth'
  | 'lambdaRequest'
  | 'lambdaGbSecondArm'
  | 'apiGatewayHttpRequest'
  | 'cloudwatchLogsIngestionGb'
  | 'kmsRequest'
  | 'kmsAsymmetricRequest'
  | 'secretsManagerApiCall'
  | 'eventBridgeCustomEvent';

export const loadPrices = (region = 'eu-west-2'): PriceTable =>
  JSON.parse(readFileSync(new URL(`../prices/${region}.json`, import.meta.url), 'utf8')) as PriceTable;

/**
 * Local handler time to Lambda time. Locally every call to DynamoDB, SQS and S3 is a loopback round
 * trip of about a millisecond; in AWS one is 3-10 ms, and a 256 MB arm64 function has a sixth of a
 * vCPU where the local run has a whole core. 2x is an estimate, not a measurement: the table says
 * which functions dominate so that the factor can be replaced by X-Ray durations once deployed.
 */
export const LOCAL_TO_LAMBDA_DURATION_FACTOR = 2;

/**
 * Log lines Lambda and API Gateway write that the functions do not: START, END and REPORT of each
 * invocation (text format, as the stack configures none), and one API access log line in the
 * stage's JSON format (infra/constructs/http-api.ts) with typical values.
 */
export const LAMBDA_PLATFORM_LOG_BYTES = Buffer.byteLength(
  'START RequestId: 8f5c5a3e-9c1d-4d2e-8a57-3b6f7c1d2e4f Version: $LATEST\n' +
    'END RequestId: 8f5c5a3e-9c1d-4d2e-8a57-3b6f7c1d2e4f\n' +
    'REPORT RequestId: 8f5c5a3e-9c1d-4d2e-8a57-3b6f7c1d2e4f\tDuration: 45.12 ms\tBilled Duration: 46 ms\tMemory Size: 512 MB\tMax Memory Used: 143 MB\t\n',
);
export const API_ACCESS_LOG_BYTES = Buffer.byteLength(
  `${JSON.stringify({
    requestId: 'dXk3Tg5aLPEEM8w=',
    requestTime: '27/Nov/2026:18:33:07 +0000',
    sourceIp: '203.0.113.42',
    userAgent: 'customs-client/1.0 (node)',
    routeKey: 'POST /v1/declarations',
    status: '202',
    protocol: 'HTTP/1.1',
    responseLength: '96',
    responseLatency: '48',
    integrationLatency: '45',
    integrationError: '-',
    authorizerError: '-',
    sub: '3f1c2a9e-5b7d-4c8e-9a1f-2d3e4f5a6b7c',
  })}\n`,
);

export interface CostLine {
  item: string;
  /** Billed quantity per declaration, in the unit of `unit`. */
  perDeclaration: number;
  unit: string;
  /** Dollars per million declarations. */
  usdPerMillion: string;
}

/**
 * Prices a ledger. `atVolume` replaces the measured SQS, KMS, S3 tier-1, Lambda request and table write totals by those
 * of the volume model (bench/cost/volume.ts): full batches instead of one message a batch; and, given a
 * burst's handler times (bench/cost/duration.ts), the Lambda duration by those.
 */
export function priceLedger(
  ledger: Ledger,
  declarations: number,
  prices: PriceTable,
  memoryMb: (fn: string) => number,
  atVolume?: {
    sqsBilledRequests: number;
    kmsRequests: number;
    s3Tier1Requests: number;
    lambdaRequests: number;
    metricsBytes: number;
    /** The table's write units with the queue-triggered functions' counter additions coalesced per full batch. */
    tableWriteUnits?: number;
    /** The read units with the reads an invocation's records share made once per full batch. */
    readUnits?: number;
    /** Handler ms by function measured in a burst (bench/cost/duration.ts), with the burst's size; as measured when absent. */
    duration?: { burst: number; msByFunction: Record<string, number> };
  },
): { lines: CostLine[]; totalUsdPerMillion: string } {
  const per = (quantity: number): Decimal => new Decimal(quantity).div(declarations);
  const perMillion = (quantity: Decimal, price: PriceName): Decimal => {
    const { usd, per: priceUnit } = prices.prices[price];
    return quantity.mul(1_000_000).mul(usd).div(priceUnit);
  };
  const invocations = Object.values(ledger.lambda).reduce((sum, entry) => sum + entry.invocations, 0);
  const handlerMs =
    atVolume?.duration?.msByFunction ?? Object.fromEntries(Object.entries(ledger.lambda).map(([fn, entry]) => [fn, entry.ms]));
  const gbSeconds = Object.entries(handlerMs).reduce(
    (sum, [fn, ms]) => sum.plus(new Decimal(ms).div(1000).mul(memoryMb(fn)).div(1024)),
    new Decimal(0),
  );
  const burst = atVolume?.duration ? `, burst of ${atVolume.duration.burst}` : '';
  const sqsBilled =
    atVolume?.sqsBilledRequests ?? Object.values(ledger.sqs.requests).reduce((sum, count) => sum + count, 0) - ledger.sqs.emptyReceives;
  const indexWrites = Object.values(ledger.dynamodb.indexWriteUnits).reduce((sum, units) => sum + units, 0);
  const logBytes =
    ledger.logs.applicationBytes +
    (atVolume?.metricsBytes ?? ledger.logs.metricsBytes) +
    (atVolume?.lambdaRequests ?? invocations) * LAMBDA_PLATFORM_LOG_BYTES +
    ledger.api.requests * API_ACCESS_LOG_BYTES;
  const rows: [string, Decimal, string, PriceName][] = [
    ['DynamoDB writes, table', per(atVolume?.tableWriteUnits ?? ledger.dynamodb.tableWriteUnits), 'WRU', 'dynamodbWriteRequestUnit'],
    ['DynamoDB writes, GSIs', per(indexWrites), 'WRU', 'dynamodbWriteRequestUnit'],
    ['DynamoDB reads', per(atVolume?.readUnits ?? ledger.dynamodb.readUnits), 'RRU', 'dynamodbReadRequestUnit'],
    ['SQS requests (excl. empty receives)', per(sqsBilled), 'requests', 'sqsStandardRequest'],
    ['S3 PUT/COPY/POST/LIST', per(atVolume?.s3Tier1Requests ?? ledger.s3.tier1), 'requests', 's3Tier1Request'],
    ['S3 GET/HEAD/other', per(ledger.s3.tier2), 'requests', 's3Tier2Request'],
    ['Lambda requests', per(atVolume?.lambdaRequests ?? invocations), 'invocations', 'lambdaRequest'],
    [
      `Lambda duration (local x${LOCAL_TO_LAMBDA_DURATION_FACTOR}${burst})`,
      gbSeconds.mul(LOCAL_TO_LAMBDA_DURATION_FACTOR).div(declarations),
      'GB-s',
      'lambdaGbSecondArm',
    ],
    ['API Gateway HTTP API', per(ledger.api.billedRequests), 'requests', 'apiGatewayHttpRequest'],
    ['CloudWatch Logs ingestion', per(logBytes).div(2 ** 30), 'GB', 'cloudwatchLogsIngestionGb'],
    ['KMS asymmetric requests (the customs seal)', per(atVolume?.kmsRequests ?? ledger.kms.requests), 'requests', 'kmsAsymmetricRequest'],
    ['Secrets Manager', per(ledger.secretsManager.calls), 'calls', 'secretsManagerApiCall'],
    ['EventBridge custom events (the notifications bus)', per(ledger.eventBridge.events), 'events', 'eventBridgeCustomEvent'],
  ];
  const lines = rows.map(([item, quantity, unit, price]) => ({
    item,
    perDeclaration: quantity.toSignificantDigits(6).toNumber(),
    unit,
    usdPerMillion: perMillion(quantity, price).toFixed(4),
  }));
  const total = lines.reduce((sum, line) => sum.plus(line.usdPerMillion), new Decimal(0));
  return { lines, totalUsdPerMillion: total.toFixed(2) };
}
