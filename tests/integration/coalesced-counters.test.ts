/**
 * Counter additions coalesced inside an SQS invocation, against the local cloud (dynalite, fauxqs,
 * the cost recorder of bench/cost/ counting each function's calls): the risk stage gets the messages
 * of three GREEN declarations in ONE SQS batch, as Lambda's mapping hands them over under load, and
 * adds the three to the day's lane counter, the trader's declaration count and the office's selection
 * figures with one UpdateItem of their sum each, and shares the reads the three may share (each reference document's newest load, the office's figures, the trader).
 *
 * The risk queue has no event source mapping here: the test receives the three messages and
 * invokes the worker itself (locally, one declaration at a time, a batch holds one message).
 */
import path from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import type { Recorder } from '#bench/cost/recorder.ts';
import type { LocalCloud } from '#local/cloud.ts';
import { LocalFunction } from '#local/lambda.ts';
import { clearanceCounters, riskStore } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { functions } from '#shared/resources.ts';
import { invokeWithHeldBatch, sqsEventOf, withTriggersOff } from '#tests/support/held-messages.ts';
import { startRecordedCloud } from '#tests/support/seeded-cloud.ts';
import { released, submitDeclarations } from './support.ts';

const BOREALIS = 'GB987654321000';

let cloud: LocalCloud;
let recorder: Recorder;
let call: Awaited<ReturnType<typeof startRecordedCloud>>['api'];
let trader: string;

beforeAll(async () => {
  ({ cloud, recorder, api: call } = await startRecordedCloud({ functions: withTriggersOff('scoreRisk') }));
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
}, 120_000);

afterAll(async () => {
  recorder?.uninstall();
  await cloud?.stop();
});

describe('counter additions coalesced inside an SQS invocation', () => {
  it("adds the three GREEN declarations of one risk batch to the day's lane counter with one write of 3", async () => {
    // Prepare: three declarations validated; their risk messages wait in the queue
    const ids = await submitDeclarations(call, trader, BOREALIS, 3);
    // The day the lane counts go to: the submission day (read, so a run across midnight still reads the right day).
    const view = (await call<{ submittedAt: string; office: string }>('GET', `/v1/declarations/${ids[0]}`, { token: trader })).body;
    const day = view.submittedAt.slice(0, 10);
    const counters = clearanceCounters(loadConfig('clearanceStatistics'));
    const [before] = await counters.readDays([day]);
    const store = riskStore(loadConfig('scoreRisk'));
    const traderBefore = (await store.get(BOREALIS))?.declarationsCount ?? 0;
    const officeBefore = await store.recent(view.office, [day]);

    // Act: one invocation for the whole batch, as the event source mapping hands it over
    const { response } = await invokeWithHeldBatch(cloud, 'risk', 'scoreRisk', 3, () => {
      recorder.ledger = new Ledger();
    });
    const calls = recorder.ledger.callsByFunction.scoreRisk ?? {};
    const [after] = await counters.readDays([day]);
    const traderAfter = (await store.get(BOREALIS))?.declarationsCount ?? 0;
    const officeAfter = await store.recent(view.office, [day]);
    const statuses = await released(call, trader, ids);

    // Assess: three GREEN, counted by one UpdateItem of the day's LANES; each declaration still marked once
    expect(response.batchItemFailures).toEqual([]);
    const laneWrites = Object.entries(calls).filter(([what]) => /^main UpdateItem COUNTERS#<date>#\d+ \/ LANES$/.test(what));
    expect(laneWrites.map(([, count]) => count)).toEqual([1]);
    expect(calls['main PutItem DECL#<ulid> / MARK#riskCountedAt']).toBe(3);
    expect((after?.lanes.GREEN ?? 0) - (before?.lanes.GREEN ?? 0)).toBe(3);
    // The trader's declaration count and the office's selection figures: one write each, of 3
    const writesTo = (pattern: RegExp) =>
      Object.entries(calls)
        .filter(([what]) => pattern.test(what))
        .reduce((sum, [, count]) => sum + count, 0);
    expect(writesTo(/^main UpdateItem TRADERCOUNT#GB<n>#\d+ \/ COUNT$/)).toBe(1);
    expect(writesTo(/^main UpdateItem STATS#[A-Z]+#\d+ \/ DAY#<date>$/)).toBe(1);
    expect(traderAfter - traderBefore).toBe(3);
    expect(officeAfter.declarations - officeBefore.declarations).toBe(3);
    const laneTotal = (rates: typeof officeAfter) => Object.values(rates.lanes).reduce((sum, count) => sum + count, 0);
    expect(laneTotal(officeAfter) - laneTotal(officeBefore)).toBe(3);
    expect(statuses).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    // The batch's records share the reads that may be shared (shared/workers/invocation-reads.ts), once
    // for the three: the count of risk profile versions saved, the newest load of each reference
    // document the risk stage uses, the office's recent selection figures (one query per shard) and
    // the trader's profile with its counts.
    const sharedReads = Object.entries(calls).filter(([what]) =>
      /^main (Query (REFDOC|STATS)#|BatchGetItem \[TRADER#|GetItem RISKPROFILES)/.test(what),
    );
    expect(Object.fromEntries(sharedReads)).toEqual({
      'main GetItem RISKPROFILES / SAVED': 1,
      'main Query REFDOC#exchangeRates / LOAD# / LOAD#~ consistent': 1,
      'main Query REFDOC#riskSettings / LOAD# / LOAD#~ consistent': 1,
      'main Query REFDOC#valuationReferences / LOAD# / LOAD#~ consistent': 1,
      'main Query STATS#GBLHR#0 / DAY#<date> / DAY#<date>': 1,
      'main Query STATS#GBLHR#1 / DAY#<date> / DAY#<date>': 1,
      'main Query STATS#GBLHR#2 / DAY#<date> / DAY#<date>': 1,
      'main Query STATS#GBLHR#3 / DAY#<date> / DAY#<date>': 1,
      'main BatchGetItem [TRADER#GB<n> / PROFILE, TRADERCOUNT#GB<n>#0 / COUNT, TRADERCOUNT#GB<n>#1 / COUNT, TRADERCOUNT#GB<n>#2 / COUNT, TRADERCOUNT#GB<n>#3 / COUNT]': 1,
    });
  }, 180_000);

  it('counts a release once: its message delivered again after the release reads the declaration and counts nothing', async () => {
    // Prepare: one GREEN declaration taken through risk (its trigger is off here) to its release
    const [id = ''] = await submitDeclarations(call, trader, BOREALIS, 1);
    const { response: scored } = await invokeWithHeldBatch(cloud, 'risk', 'scoreRisk', 1);
    expect(scored.batchItemFailures).toEqual([]);
    const [status] = await released(call, trader, [id]);
    // The duty stage's message to the release stage, as SQS would deliver it again (version 4: ASSESSED).
    const again = { MessageId: `redelivered-${id}`, ReceiptHandle: 'redelivered', Body: JSON.stringify({ declarationId: id, version: 4 }) };
    const worker = new LocalFunction('decideRelease', functions.decideRelease, path.resolve('.'), cloud.environment.AWS_REGION ?? '');

    // Act
    recorder.ledger = new Ledger();
    const response = (await worker.invoke(sqsEventOf(cloud, 'release', [again]))) as SQSBatchResponse;
    const calls = recorder.ledger.callsByFunction.decideRelease ?? {};
    const marker = Object.entries(recorder.ledger.dynamodb.writesByItem).filter(([what]) => what.includes('MARK#releaseCountedAt'));

    // Assess: handled; the declaration read as stored (not moved by this delivery), its marker found set, no release counted again
    expect(status).toBe('RELEASED');
    expect(response.batchItemFailures).toEqual([]);
    expect(calls['main GetItem DECL#<ulid> / META consistent']).toBe(1);
    expect(marker.map(([what, entry]) => [what, entry.writes])).toEqual([
      ['decideRelease main PutItem DECL#<ulid> / MARK#releaseCountedAt (condition failed)', 1],
    ]);
    expect(Object.keys(calls).filter((what) => /COUNTERS#<date>#\d+ \/ RELEASES#/.test(what))).toEqual([]);
  }, 180_000);
});
