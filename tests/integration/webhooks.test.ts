/**
 * Push notifications end to end against the local cloud: a trader subscribes a receiver this test
 * runs (node:http on 127.0.0.1, allowed in the local cloud only), submits a declaration, and the
 * receiver gets a signed delivery for each status change that it verifies with the secret it was
 * given; the same notifications reach the in-process event bus. A receiver that keeps failing is
 * retried (small retry settings) and its subscription disabled; private targets are refused; a
 * trader sees only its own subscriptions.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { verifyWebhook } from '#shared/domain/webhook-signature.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];

/** Small retry settings: 3 attempts 1 s and 2 s apart; 2 deliveries failed in a row disable a subscription. */
const webhooks = { maxAttempts: 3, retryBaseSeconds: 1, disableAfterFailedDeliveries: 2, deliveryRetentionDays: 90 };

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent', webhooks });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  const settings = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(settings.status).toBe(200);
});

const receivers: Server[] = [];
afterAll(async () => {
  for (const server of receivers) server.close();
  await cloud?.stop();
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers `status` (until `answer` changes it) and keeps every request. */
async function startReceiver(initialStatus: number): Promise<{ url: string; received: Received[]; answer: (status: number) => void }> {
  const received: Received[] = [];
  let status = initialStatus;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/customs`,
    received,
    answer: (next) => {
      status = next;
    },
  };
}

interface Created {
  id: string;
  secret: string;
  status: string;
}
interface Delivery {
  eventId: string;
  status: string;
  attempts: { outcome: string; statusCode: number | null }[];
}
interface Problems {
  problems: { pointer: string; code: string; message: string }[];
}

const statusOf = (received: Received) => (JSON.parse(received.body) as { data: { status: string } }).data.status;

describe('webhook notifications', () => {
  it('delivers each status change of a declaration, signed, and publishes it on the event bus', async () => {
    // Prepare
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const receiver = await startReceiver(204);
    const created = await api<Created>('POST', '/v1/subscriptions', {
      token,
      body: { url: receiver.url, events: ['declaration.status_changed'], description: 'ERP' },
    });
    expect(created.status).toBe(201);

    // Act
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(party) });
    await eventually(async () => (receiver.received.some((request) => statusOf(request) === 'RELEASED') ? true : undefined));
    const log = await eventually(async () => {
      const page = await api<{ items: Delivery[] }>('GET', `/v1/subscriptions/${created.body.id}/deliveries`, { token });
      return page.body.items.length >= 5 && page.body.items.every((item) => item.status === 'DELIVERED') ? page.body : undefined;
    });

    // Assess
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const request of receiver.received) {
      expect(verifyWebhook({ headers: request.headers, body: request.body, secret: created.body.secret, nowSeconds })).toEqual({
        valid: true,
      });
      expect(verifyWebhook({ headers: request.headers, body: `${request.body} `, secret: created.body.secret, nowSeconds }).valid).toBe(
        false,
      );
    }
    const firstOfEach = new Map(receiver.received.map((request) => [request.headers['webhook-id'], statusOf(request)]));
    // Deliveries run in parallel and arrive in no set order (docs/notifications.md): compare them as a set.
    expect([...firstOfEach.values()].sort()).toEqual(['ASSESSED', 'RELEASED', 'SCORED', 'SUBMITTED', 'VALIDATED']);
    const releasedDelivery = receiver.received.find((request) => statusOf(request) === 'RELEASED');
    expect(JSON.parse(releasedDelivery?.body ?? '{}')).toMatchObject({
      id: `evt_${submitted.body.id}_5`,
      type: 'declaration.released',
      data: { declarationId: submitted.body.id, status: 'RELEASED', version: 5, event: 'RELEASED' },
    });
    expect(log.items.map((item) => item.eventId)).toEqual([5, 4, 3, 2, 1].map((version) => `evt_${submitted.body.id}_${version}`));
    const onBus = cloud.eventBus
      .events()
      .filter((event) => (event.detail as { data: { declarationId: string } }).data.declarationId === submitted.body.id);
    expect(onBus.map((event) => [event.source, event['detail-type']]).sort()).toEqual([
      ['customs.clearance', 'declaration.released'],
      ['customs.clearance', 'declaration.status_changed'],
      ['customs.clearance', 'declaration.status_changed'],
      ['customs.clearance', 'declaration.status_changed'],
      ['customs.clearance', 'declaration.status_changed'],
    ]);
  });

  it('retries a failing receiver with back-off, then disables its subscription and skips what is left', async () => {
    // Prepare
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const receiver = await startReceiver(500);
    const created = await api<Created>('POST', '/v1/subscriptions', {
      token,
      body: { url: receiver.url, events: ['declaration.status_changed'] },
    });

    // Act
    await api('POST', '/v1/declarations', { token, body: declarationFor(party) });
    const disabled = await eventually(
      async () => {
        const list = await api<{ items: { id: string; status: string; consecutiveFailures: number; disabledReason: string | null }[] }>(
          'GET',
          '/v1/subscriptions',
          { token },
        );
        const mine = list.body.items.find((item) => item.id === created.body.id);
        return mine?.status === 'DISABLED' ? mine : undefined;
      },
      { timeoutMs: 40_000 },
    );
    const log = await eventually(async () => {
      const page = await api<{ items: Delivery[] }>('GET', `/v1/subscriptions/${created.body.id}/deliveries`, { token });
      return page.body.items.length === 5 && page.body.items.every((item) => item.status !== 'PENDING') ? page.body : undefined;
    });

    // Assess
    // Two deliveries whose last attempts fail at the same moment may both count: 2 is the limit, 3 can happen.
    expect(disabled.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(disabled.disabledReason).toMatch(/^[23] deliveries in a row failed/);
    const failed = log.items.filter((item) => item.status === 'FAILED');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const delivery of failed) {
      expect(delivery.attempts).toEqual([1, 2, 3].map(() => expect.objectContaining({ outcome: 'FAILED', statusCode: 500 })));
      // The receiver saw the same event (webhook-id) three times.
      expect(receiver.received.filter((request) => request.headers['webhook-id'] === delivery.eventId)).toHaveLength(3);
    }
    expect(log.items.every((item) => item.status === 'FAILED' || item.status === 'SKIPPED')).toBe(true);
  }, 60_000);

  it('rotates a secret: the old and the new one both verify every delivery of the overlap, and only the owner may rotate', async () => {
    // Prepare
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const receiver = await startReceiver(204);
    const created = await api<Created>('POST', '/v1/subscriptions', {
      token,
      body: { url: receiver.url, events: ['declaration.released'] },
    });

    // Act
    const rotated = await api<Created & { secretVersion: number; previousSecretValidUntil: string }>(
      'POST',
      `/v1/subscriptions/${created.body.id}/secret`,
      { token },
    );
    const stranger = await api('POST', `/v1/subscriptions/${created.body.id}/secret`, {
      token: cloud.mintToken({ role: 'trader', party: newParty() }),
    });
    await api('POST', '/v1/declarations', { token, body: declarationFor(party) });
    const [delivery] = await eventually(async () => (receiver.received.length > 0 ? receiver.received : undefined));

    // Assess
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: created.body.id, secretVersion: 1 });
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 60 * 60 * 1000);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(stranger.status).toBe(404);
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const secret of [created.body.secret, rotated.body.secret]) {
      expect(verifyWebhook({ headers: delivery!.headers, body: delivery!.body, secret, nowSeconds })).toEqual({ valid: true });
    }
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
  });

  it('enables a subscription disabled after failed deliveries: once the receiver is fixed, deliveries arrive again', async () => {
    // Prepare: a receiver that fails until it is fixed; two released declarations disable the subscription
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const receiver = await startReceiver(503);
    const created = await api<Created>('POST', '/v1/subscriptions', {
      token,
      body: { url: receiver.url, events: ['declaration.released'] },
    });
    for (let n = 0; n < 2; n++) await api('POST', '/v1/declarations', { token, body: declarationFor(party) });
    await eventually(
      async () => {
        const list = await api<{ items: { id: string; status: string }[] }>('GET', '/v1/subscriptions', { token });
        return list.body.items.find((item) => item.id === created.body.id)?.status === 'DISABLED' ? true : undefined;
      },
      { timeoutMs: 40_000 },
    );
    receiver.answer(204);

    // Act
    const enabled = await api<{ status: string; consecutiveFailures: number; disabledAt: string | null }>(
      'POST',
      `/v1/subscriptions/${created.body.id}/enable`,
      { token },
    );
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(party) });
    const delivered = await eventually(async () => {
      const page = await api<{ items: Delivery[] }>('GET', `/v1/subscriptions/${created.body.id}/deliveries`, { token });
      const mine = page.body.items.find((item) => item.eventId.startsWith(`evt_${submitted.body.id}_`));
      return mine?.status === 'DELIVERED' ? mine : undefined;
    });

    // Assess
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0, disabledAt: null });
    expect(delivered.attempts.at(-1)).toMatchObject({ outcome: 'DELIVERED', statusCode: 204 });
  }, 60_000);

  it.each([
    ['https://10.0.0.7/hooks', 'TARGET_FORBIDDEN', /private address/],
    ['http://169.254.169.254/latest/meta-data/', 'TARGET_FORBIDDEN', /link-local/],
    ['https://[::ffff:10.0.0.7]/hooks', 'TARGET_FORBIDDEN', /private address/],
    ['https://[fd00::1]/hooks', 'TARGET_FORBIDDEN', /private address/],
    ['http://hooks.example.com/customs', 'TARGET_NOT_HTTPS', /loopback receivers of the local cloud only/],
    ['https://hooks.invalid/customs', 'TARGET_UNRESOLVABLE', /does not resolve/],
  ])('refuses a subscription to %s with a problem at /url', async (url, code, message) => {
    // Prepare
    const token = cloud.mintToken({ role: 'trader', party: newParty() });

    // Act
    const refused = await api<Problems>('POST', '/v1/subscriptions', { token, body: { url, events: ['declaration.released'] } });
    const listed = await api<{ items: unknown[] }>('GET', '/v1/subscriptions', { token });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.problems[0]).toMatchObject({ pointer: '/url', code });
    expect(refused.body.problems[0]?.message).toMatch(message);
    expect(listed.body.items).toEqual([]);
  });

  it("shows a trader only its own subscriptions and deliveries: another trader's do not exist for it", async () => {
    // Prepare
    const owner = cloud.mintToken({ role: 'trader', party: newParty() });
    const other = cloud.mintToken({ role: 'trader', party: newParty() });
    const receiver = await startReceiver(204);
    const created = await api<Created>('POST', '/v1/subscriptions', {
      token: owner,
      body: { url: receiver.url, events: ['declaration.held'] },
    });

    // Act
    const othersList = await api<{ items: unknown[] }>('GET', '/v1/subscriptions', { token: other });
    const othersLog = await api<Problems>('GET', `/v1/subscriptions/${created.body.id}/deliveries`, { token: other });
    const othersDelete = await api<Problems>('DELETE', `/v1/subscriptions/${created.body.id}`, { token: other });
    const ownersList = await api<{ items: { id: string; secret?: string }[] }>('GET', '/v1/subscriptions', { token: owner });
    const ownersDelete = await api('DELETE', `/v1/subscriptions/${created.body.id}`, { token: owner });
    const afterDelete = await api<{ items: unknown[] }>('GET', '/v1/subscriptions', { token: owner });

    // Assess
    expect(othersList.body.items).toEqual([]);
    expect(othersLog.status).toBe(404);
    expect(othersDelete.status).toBe(404);
    expect(othersDelete.body.problems[0]?.code).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(ownersList.body.items.map((item) => item.id)).toEqual([created.body.id]);
    // The secret is shown once, at creation.
    expect(ownersList.body.items[0]?.secret).toBeUndefined();
    expect(ownersDelete.status).toBe(204);
    expect(afterDelete.body.items).toEqual([]);
  });
});
