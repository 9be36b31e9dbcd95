/**
 * The submitted bytes carried by the pipeline messages (issue 11, national scale): intake puts a
 * copy of a small body in the validation message, each stage hands it on, and no stage or the
 * documents worker reads the archive for it (an S3 GET each, before). Against the local cloud,
 * every AWS call counted by the cost recorder of bench/cost/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import type { Recorder } from '#bench/cost/recorder.ts';
import type { LocalCloud } from '#local/cloud.ts';
import { startRecordedCloud } from '#tests/support/seeded-cloud.ts';
import { declarationFor, eventually } from './support.ts';

const BOREALIS = 'GB987654321000';
const readers = ['validateDeclaration', 'scoreRisk', 'assessDuty', 'decideRelease', 'issueDocuments'] as const;

let cloud: LocalCloud;
let recorder: Recorder;
let call: Awaited<ReturnType<typeof startRecordedCloud>>['api'];
let trader: string;

beforeAll(async () => {
  ({ cloud, recorder, api: call } = await startRecordedCloud());
  trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
}, 120_000);

afterAll(async () => {
  recorder?.uninstall();
  await cloud?.stop();
});

describe('the submitted bytes in the pipeline messages', () => {
  it('takes a green declaration from submission to its release note without reading its body from the archive', async () => {
    // Prepare: one declaration through first, so each function has its reference documents (read from the
    // reference bucket once per execution environment and version) and its seal key at hand
    const calls = () => recorder.ledger.callsByFunction;
    const submitAndFollow = async () => {
      recorder.ledger = new Ledger();
      const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(BOREALIS) });
      await eventually(
        async () => {
          const view = await call<{ status: string }>('GET', `/v1/declarations/${receipt.body.id}`, { token: trader });
          // Both documents sealed: the assessment notice and the release note.
          return view.body.status === 'RELEASED' && (calls().issueDocuments?.['kms Sign'] ?? 0) >= 2 ? true : undefined;
        },
        { timeoutMs: 60_000 },
      );
      return receipt;
    };
    await submitAndFollow();

    // Act
    const receipt = await submitAndFollow();

    // Assess: each reader read the declaration (its Query), none fetched the body; intake archived it once
    expect(receipt.status).toBe(202);
    for (const reader of readers) {
      const made = Object.keys(calls()[reader] ?? {});
      expect(made.some((what) => what.startsWith('main Query DECL#'))).toBe(true);
      expect({ reader, gets: made.filter((what) => what.startsWith('s3 GetObject')) }).toEqual({ reader, gets: [] });
    }
    expect(calls().submitDeclaration?.['s3 PutObject']).toBe(1);
  }, 120_000);
});
