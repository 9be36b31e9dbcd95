/**
 * The cost model's prices (bench/cost/pricing.ts): EventBridge events put on the notifications bus
 * are billed as EventBridge custom events, each 64 KB chunk of an entry one event, not as SQS
 * requests (the first cost model counted each PutEvents call as one SQS request).
 */
import { describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import { LAMBDA_PLATFORM_LOG_BYTES, loadPrices, priceLedger } from '#bench/cost/pricing.ts';

describe('cost model prices', () => {
  it('prices events put on the bus per event at the EventBridge price, apart from SQS', () => {
    // Prepare: two declarations, five events each, and one SQS send each
    const ledger = new Ledger();
    for (let declaration = 0; declaration < 2; declaration += 1) {
      ledger.eventBridgeEvents('fanOutNotifications', 5);
      ledger.sqsRequest('function', 'SendMessage', 1);
    }
    const prices = loadPrices('eu-west-2');

    // Act
    const { lines } = priceLedger(ledger, 2, prices, () => 512);

    // Assess: 5 events per declaration at $1.00 per million events; 1 SQS request at $0.40 per million
    const line = (item: string) => lines.find((each) => each.item.startsWith(item));
    expect(prices.prices.eventBridgeCustomEvent.usd).toBe('1.00');
    expect(line('EventBridge custom events')).toMatchObject({ perDeclaration: 5, unit: 'events', usdPerMillion: '5.0000' });
    expect(line('SQS requests')).toMatchObject({ perDeclaration: 1, usdPerMillion: '0.4000' });
    expect(ledger.eventBridge.byFunction).toEqual({ fanOutNotifications: 10 });
  });

  it('at volume, counts the platform log lines per modelled invocation and the EMF bytes of the model', () => {
    // Prepare: one declaration, 10 invocations measured, each flushing EMF as large as its platform lines
    const ledger = new Ledger();
    for (let invocation = 0; invocation < 10; invocation += 1) {
      ledger.invocation('scoreRisk', 10);
      ledger.logged('scoreRisk', LAMBDA_PLATFORM_LOG_BYTES, true);
    }
    const prices = loadPrices('eu-west-2');
    const gb = (bytes: number) => bytes / 2 ** 30;

    // Act
    const measured = priceLedger(ledger, 1, prices, () => 512);
    const atVolume = priceLedger(ledger, 1, prices, () => 512, {
      sqsBilledRequests: 0,
      kmsRequests: 0,
      s3Tier1Requests: 0,
      lambdaRequests: 1,
      metricsBytes: LAMBDA_PLATFORM_LOG_BYTES,
    });

    // Assess: 10 x (platform + EMF) measured; 1 x platform + the model's EMF at volume
    const logs = (lines: { item: string; perDeclaration: number }[]) =>
      lines.find((line) => line.item.startsWith('CloudWatch Logs'))?.perDeclaration ?? Number.NaN;
    expect(logs(measured.lines) / gb(20 * LAMBDA_PLATFORM_LOG_BYTES)).toBeCloseTo(1, 4);
    expect(logs(atVolume.lines) / gb(2 * LAMBDA_PLATFORM_LOG_BYTES)).toBeCloseTo(1, 4);
  });
});
