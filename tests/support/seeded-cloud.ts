/**
 * A local cloud for end-to-end tests: the demo region seeded, random selection off (lanes from the
 * criteria alone); `options` change how it starts (e.g. the region's `documentPrinting`).
 */
import { expect } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { apiClient } from '#tests/integration/support.ts';
import { noRandomSelection } from './scenarios.ts';

export async function startSeededCloud(
  options: Partial<Parameters<typeof startLocalCloud>[0]> = {},
): Promise<{ cloud: LocalCloud; api: ReturnType<typeof apiClient>['call'] }> {
  const cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent', ...options });
  await seedDemoData();
  const api = apiClient(cloud.apiUrl).call;
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(loaded.status).toBe(200);
  return { cloud, api };
}
