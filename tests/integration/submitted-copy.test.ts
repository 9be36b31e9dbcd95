/**
 * The submitted bytes carried by the pipeline messages (issue 11, national scale): intake puts a
 * copy of a small body in the validation message, each stage hands it on, and no stage or the
 * documents worker reads the archive for it (an S3 GET each, before). Against the local cloud,
 * every AWS call counted by the cost recorder of bench/cost/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '#bench/cost/ledger.ts';
import { installRecorder, type Recorder } from '#bench/cost/recorder.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { tables } from '#shared/resources.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually } from './support.ts';

const BOREALIS = 'GB987654321000';
const readers = ['validateDeclaration', 'scoreRisk', 'assessDuty', 'decideRelease', 'issueDocuments'] as const;

let cloud: LocalCloud;
let recorder: Recorder;
let call: ReturnType<typeof apiClient>['call'];
let trader: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  // Before any handler creates its clients: the recorder counts the calls of clients created from now on.
  recorder = installRecorder({
    tables: Object.fromEntries(
      Object.entries(tables).map(([logical, definition]) => [logical, { physical: cloud.tableNames[logical] ?? '', definition }]),
    ),
    dynamodbEndpoint: cloud.endpoints.dynamodb,
    region: cloud.environment.AWS_REGION ?? 'eu-west-2',
    backgroundFunctions: [],
    queueNames: Object.fromEntries(Object.entries(cloud.queueUrls).map(([logical, url]) => [url, logical])),
  });
  await seedDemoData();
  ({ call } = apiClient(cloud.apiUrl));
  const admin = cloud.mintToken({ role: 'admin' });
  expect((await call('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection })).status).toBe(200);
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
