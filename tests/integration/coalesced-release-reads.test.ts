/**
 * Item reads coalesced inside the release stage's SQS invocation (shared/adapters/dynamodb-read-coalescer.ts),
 * against the local cloud with the cost recorder counting the worker's calls: three declarations'
 * release messages in ONE batch, as Lambda's mapping hands them over under load. Each record reads
 * its manifest line, its charge's guard, the account it draws on and the payment request an earlier
 * attempt may have made, strongly consistent; the records' reads go together as BatchGetItem calls
 * instead of a GetItem each, and the three are released and charged as before.
 *
 * The release queue has no event source mapping here: the test receives the three messages and
 * invokes the worker itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import type { Recorder } from '#bench/cost/recorder.ts';
import type { LocalCloud } from '#local/cloud.ts';
import { invokeWithHeldBatch, withTriggersOff } from '#tests/support/held-messages.ts';
import { startRecordedCloud } from '#tests/support/seeded-cloud.ts';
import { declarationFor, eventually, newParty, released } from './support.ts';

let cloud: LocalCloud;
let recorder: Recorder;
let call: Awaited<ReturnType<typeof startRecordedCloud>>['api'];

beforeAll(async () => {
  ({ cloud, recorder, api: call } = await startRecordedCloud({ functions: withTriggersOff('decideRelease') }));
}, 120_000);

afterAll(async () => {
  recorder?.uninstall();
  await cloud?.stop();
});

describe('item reads coalesced inside the release stage', () => {
  it('reads the three records’ lines, ledger sources and payment requests together, and releases each', async () => {
    // Prepare: three GREEN imports of one trader, each on its own transport document; their release messages wait
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const ids: string[] = [];
    for (const ref of ['176-20000011', '176-20000022', '176-20000033']) {
      const body = declarationFor(party, (declaration) => {
        declaration.consignment.transportDocument = { type: 'N741', ref };
      });
      const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body });
      expect(receipt.status).toBe(202);
      ids.push(receipt.body.id);
    }
    await Promise.all(
      ids.map((id) =>
        eventually(async () => {
          const view = await call<{ status: string }>('GET', `/v1/declarations/${id}`, { token: trader });
          return view.body.status === 'ASSESSED' ? true : undefined;
        }),
      ),
    );

    // Act: one invocation for the whole batch
    const { response } = await invokeWithHeldBatch(cloud, 'release', 'decideRelease', 3, () => {
      recorder.ledger = new Ledger();
    });
    const calls = recorder.ledger.callsByFunction.decideRelease ?? {};
    const statuses = await released(call, trader, ids);

    // Assess: released and charged; no record read a line, a guard or a payment request alone
    expect(response.batchItemFailures).toEqual([]);
    expect(statuses).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
    const singleReads = Object.keys(calls).filter((what) => /^main GetItem (CARGO|PAYMENT)#/.test(what));
    expect(singleReads).toEqual([]);
    // One call each for the three lines and the three payment requests (the recorder names a call by its keys' shapes).
    expect(calls['main BatchGetItem [CARGO#N<n>#<n>-<n> / LINE] consistent']).toBe(1);
    expect(calls['main BatchGetItem [PAYMENT#<ulid>-4 / META] consistent']).toBe(1);
    // The ledger: whether each charge was booked before (its source guard), read for the three at once
    // at least once (later reads of the one account's cache and entries follow the records' conflicts).
    expect(calls['main BatchGetItem [ACCOUNT#<n> / SOURCE#DECL#<ulid>#4] consistent']).toBeGreaterThanOrEqual(1);
    const batchReads = Object.keys(calls).filter((what) => what.startsWith('main BatchGetItem'));
    expect(batchReads.every((what) => what.endsWith(' consistent'))).toBe(true);
  }, 180_000);
});
