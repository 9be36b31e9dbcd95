/**
 * A local cloud for end-to-end tests: the demo region seeded, random selection off (lanes from the
 * criteria alone); `options` change how it starts (e.g. the region's `documentPrinting`).
 */
import { expect } from 'vitest';
import { installRecorder, type Recorder } from '#bench/cost/recorder.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { tables } from '#shared/resources.ts';
import { apiClient } from '#tests/integration/support.ts';
import { noRandomSelection } from './scenarios.ts';

type CloudOptions = Partial<Parameters<typeof startLocalCloud>[0]>;

const startCloud = (options: CloudOptions) =>
  startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent', ...options });

/** The demo region seeded and random selection switched off. */
async function seeded(cloud: LocalCloud): Promise<ReturnType<typeof apiClient>['call']> {
  await seedDemoData();
  const api = apiClient(cloud.apiUrl).call;
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(loaded.status).toBe(200);
  return api;
}

export async function startSeededCloud(
  options: CloudOptions = {},
): Promise<{ cloud: LocalCloud; api: ReturnType<typeof apiClient>['call'] }> {
  const cloud = await startCloud(options);
  return { cloud, api: await seeded(cloud) };
}

/**
 * The same, with the cost recorder of bench/cost/ counting every AWS call of each function
 * (`recorder.ledger`), installed before any handler creates its clients: only clients created
 * after it are counted. Uninstall it before stopping the cloud.
 */
export async function startRecordedCloud(
  options: CloudOptions = {},
): Promise<{ cloud: LocalCloud; api: ReturnType<typeof apiClient>['call']; recorder: Recorder }> {
  const cloud = await startCloud(options);
  const recorder = installRecorder({
    tables: Object.fromEntries(
      Object.entries(tables).map(([logical, definition]) => [logical, { physical: cloud.tableNames[logical] ?? '', definition }]),
    ),
    dynamodbEndpoint: cloud.endpoints.dynamodb,
    region: cloud.environment.AWS_REGION ?? 'eu-west-2',
    backgroundFunctions: [],
    queueNames: Object.fromEntries(Object.entries(cloud.queueUrls).map(([logical, url]) => [url, logical])),
  });
  return { cloud, recorder, api: await seeded(cloud) };
}
