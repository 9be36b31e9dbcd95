/**
 * Lambda duration at volume (bench/cost/duration.ts): a burst's summed invocation milliseconds per
 * record, times the records per declaration counted one at a time, at the batch the burst achieved;
 * priced with memory and the local factor by priceLedger.
 */
import { describe, expect, it } from 'vitest';
import { durationAtVolume } from '#bench/cost/duration.ts';
import { Ledger } from '#bench/cost/ledger.ts';
import { loadPrices, priceLedger } from '#bench/cost/pricing.ts';

const triggers = [
  { fn: 'scoreRisk', queue: 'risk', batchSize: 10 },
  { fn: 'issueDocuments', queue: 'documents', batchSize: 100 },
  { fn: 'printDocuments', queue: 'printing', batchSize: 5 },
];

/** Two declarations one at a time: intake (API) 30 ms each, risk 100 ms a record, two documents of 40 ms each. */
function recordedOneAtATime(): Ledger {
  const ledger = new Ledger();
  for (let declaration = 0; declaration < 2; declaration += 1) {
    ledger.invocation('submitDeclaration', 30);
    ledger.invocation('scoreRisk', 100, 1);
    ledger.invocation('issueDocuments', 40, 1);
    ledger.invocation('issueDocuments', 40, 1);
  }
  return ledger;
}

/** A burst of 10: risk in batches of 4, 4 and 2 (300 ms in all); documents in batches of 10, 6 and 4, and one single. */
function recordedBurst(): Ledger {
  const ledger = new Ledger();
  for (let declaration = 0; declaration < 10; declaration += 1) ledger.invocation('submitDeclaration', 60);
  ledger.invocation('scoreRisk', 120, 4);
  ledger.invocation('scoreRisk', 110, 4);
  ledger.invocation('scoreRisk', 70, 2);
  ledger.invocation('issueDocuments', 90, 10);
  ledger.invocation('issueDocuments', 60, 6);
  ledger.invocation('issueDocuments', 45, 3);
  ledger.invocation('issueDocuments', 25, 1);
  return ledger;
}

describe('Lambda duration at volume', () => {
  it('takes each queue-triggered function’s ms per record from the burst, and the API’s as measured', () => {
    // Prepare
    const alone = recordedOneAtATime();
    const burst = recordedBurst();

    // Act
    const duration = durationAtVolume(alone, burst, 10, 2, triggers);

    // Assess: risk 300 ms / 10 records = 30 ms a record, 1 record a declaration: 60 ms over 2 declarations;
    // documents 220 ms / 20 records = 11 ms a record, 2 a declaration: 44 ms; intake as measured (60), not the burst's 600
    expect(duration.msByFunction).toEqual({ submitDeclaration: 60, scoreRisk: 60, issueDocuments: 44 });
    expect(duration.functions).toEqual([
      {
        fn: 'scoreRisk',
        batchSize: 10,
        localBatchLimit: 10,
        recordsPerDeclaration: 1,
        aloneMsPerRecord: 100,
        burst: { invocations: 3, records: 10, recordsPerInvocation: 3.333, largestBatch: 4, msPerRecord: 30 },
        partial: true,
        msPerDeclaration: 30,
      },
      {
        fn: 'issueDocuments',
        batchSize: 100,
        localBatchLimit: 10,
        recordsPerDeclaration: 2,
        aloneMsPerRecord: 40,
        burst: { invocations: 4, records: 20, recordsPerInvocation: 5, largestBatch: 10, msPerRecord: 11, msPerSingleRecordInvocation: 25 },
        partial: true,
        msPerDeclaration: 22,
      },
    ]);
  });

  it('says a batch is full only at the local poller’s limit, and keeps a function the burst did not invoke as measured', () => {
    // Prepare: risk's burst all in batches of 10; printing received records one at a time but none in the burst
    const alone = recordedOneAtATime();
    alone.invocation('printDocuments', 50, 1);
    const burst = new Ledger();
    burst.invocation('scoreRisk', 150, 10);
    burst.invocation('scoreRisk', 130, 10);

    // Act
    const duration = durationAtVolume(alone, burst, 20, 2, triggers);

    // Assess
    expect(duration.functions.find((each) => each.fn === 'scoreRisk')).toMatchObject({ partial: false, msPerDeclaration: 14 });
    const printing = duration.functions.find((each) => each.fn === 'printDocuments');
    expect(printing).toMatchObject({ partial: true, aloneMsPerRecord: 50, msPerDeclaration: 25 });
    expect(printing?.burst).toBeUndefined();
    expect(duration.msByFunction.printDocuments).toBe(50);
    expect(duration.msByFunction.issueDocuments).toBe(160);
  });

  it('prices the burst’s handler time with memory and the local factor, and names the burst in the line', () => {
    // Prepare
    const alone = recordedOneAtATime();
    const duration = durationAtVolume(alone, recordedBurst(), 10, 2, triggers);
    const memoryMb = (fn: string): number => (fn === 'submitDeclaration' ? 512 : 1024);
    const volume = { sqsBilledRequests: 0, kmsRequests: 0, s3Tier1Requests: 0, lambdaRequests: 0, metricsBytes: 0 };

    // Act
    const measured = priceLedger(alone, 2, loadPrices('eu-west-2'), memoryMb, volume);
    const atVolume = priceLedger(alone, 2, loadPrices('eu-west-2'), memoryMb, { ...volume, duration });

    // Assess: measured (60 ms x 0.5 GB + 360 ms x 1 GB) x 2 / 2 declarations = 0.39 GB-s;
    // at volume (60 x 0.5 + (60 + 44) x 1) x 2 / 2 = 0.134 GB-s; at $0.0000133334 per GB-s: $5.2000 and $1.7867 per million
    const line = (lines: { item: string; perDeclaration: number; usdPerMillion: string }[]) =>
      lines.find((each) => each.item.startsWith('Lambda duration'));
    expect(line(measured.lines)).toMatchObject({ item: 'Lambda duration (local x2)', perDeclaration: 0.39, usdPerMillion: '5.2000' });
    expect(line(atVolume.lines)).toMatchObject({
      item: 'Lambda duration (local x2, burst of 10)',
      perDeclaration: 0.134,
      usdPerMillion: '1.7867',
    });
  });
});
