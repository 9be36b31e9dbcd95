/**
 * Push notifications for carriers and partner agencies, and permit decisions, against the local
 * cloud (docs/notifications.md): the plant health agency's receiver gets each application to it
 * and each release that drew on its permits; the trader's receiver gets its permit's decision; a
 * carrier's receiver gets its line's goods declared and released, never the declaration. Every
 * delivery verifies with its subscription's secret. Receivers run on 127.0.0.1 (the local cloud
 * allows loopback targets); every subscription is made before the first event, as the fan-out
 * reads a party's subscriptions at most every 30 s.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { ManifestInput } from '#shared/domain/cargo-reports.ts';
import { verifyWebhook } from '#shared/domain/webhook-signature.ts';
import { daysFrom, tomatoes, tomatoesApplication } from '#tests/support/permits.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
interface Notification {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown> & { permit?: { id: string; status: string }; declarationId?: string; manifestId?: string };
}
interface Receiver {
  url: string;
  received: Received[];
  secret: string;
}

const servers: ReturnType<typeof createServer>[] = [];

/** A receiver on 127.0.0.1 that answers 204 and keeps every request. */
async function startReceiver(): Promise<Omit<Receiver, 'secret'>> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

/** A receiver subscribed with `token` to `events`. */
async function subscribed(token: string, events: string[]): Promise<Receiver> {
  const receiver = await startReceiver();
  const created = await api<{ secret: string }>('POST', '/v1/subscriptions', { token, body: { url: receiver.url, events } });
  expect(created.status).toBe(201);
  return { ...receiver, secret: created.body.secret };
}

/** The notifications a receiver got that match, once each (a redelivery repeats the webhook-id), every one signed with its secret. */
function notificationsAt(receiver: Receiver, matches: (notification: Notification) => boolean): Notification[] {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const unique = new Map<string, Notification>();
  for (const request of receiver.received) {
    expect(verifyWebhook({ headers: request.headers, body: request.body, secret: receiver.secret, nowSeconds })).toEqual({ valid: true });
    const notification = JSON.parse(request.body) as Notification;
    if (matches(notification)) unique.set(notification.id, notification);
  }
  return [...unique.values()];
}

const awaitNotifications = (receiver: Receiver, matches: (notification: Notification) => boolean, count: number) =>
  eventually(
    async () => {
      const found = notificationsAt(receiver, matches);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 60_000 },
  );

const manifestFixture = JSON.parse(
  readFileSync(new URL('../fixtures/manifests/arrival-manifest.json', import.meta.url), 'utf8'),
) as ManifestInput;

const traderParty = newParty();
const carrierParty = newParty();
let trader: string;
let carrier: string;
let inspector: string;
let officer: string;
let traderReceiver: Receiver;
let carrierReceiver: Receiver;
let agencyReceiver: Receiver;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  const settings = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(settings.status).toBe(200);
  trader = cloud.mintToken({ role: 'trader', party: traderParty });
  carrier = cloud.mintToken({ role: 'carrier', party: carrierParty });
  // The demo plant health agency's inspector (GB-PHSI).
  inspector = cloud.mintToken({ role: 'agency' });
  officer = cloud.mintToken({ role: 'officer' });
  traderReceiver = await subscribed(trader, ['permit.approved', 'permit.refused', 'declaration.released']);
  carrierReceiver = await subscribed(carrier, ['cargo.declared', 'cargo.released']);
  agencyReceiver = await subscribed(inspector, ['permit.applied', 'permit.drawn']);
}, 120_000);

afterAll(async () => {
  for (const server of servers) server.close();
  await cloud?.stop();
});

/** Applies for 100 kg of tomatoes and has the inspector approve it. */
async function approvedPermit(): Promise<string> {
  const applied = await api<{ id: string }>('POST', '/v1/permits', { token: trader, body: tomatoesApplication() });
  expect(applied.status).toBe(201);
  const today = new Date().toISOString().slice(0, 10);
  const decided = await api('POST', `/v1/permits/${applied.body.id}/decision`, {
    token: inspector,
    body: { decision: 'APPROVE', quantity: { value: '100', unit: 'KGM' }, validFrom: today, validUntil: daysFrom(today, 29) },
  });
  expect(decided.status).toBe(200);
  return applied.body.id;
}

/** Waits for the declaration to rest; one an officer must review is claimed and released. */
async function released(id: string): Promise<void> {
  const rested = await eventually(
    async () => {
      const view = await api<{ status: string; version: number }>('GET', `/v1/declarations/${id}`, { token: trader });
      return ['RELEASED', 'UNDER_REVIEW', 'REJECTED', 'AWAITING_PAYMENT'].includes(view.body.status) ? view.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
  expect(rested.status).toMatch(/^(RELEASED|UNDER_REVIEW)$/);
  if (rested.status === 'RELEASED') return;
  const base = `/v1/review/declarations/${id}`;
  const claimed = await api<{ version: number }>('POST', `${base}/claim`, { token: officer });
  const decided = await api('POST', `${base}/decisions`, {
    token: officer,
    headers: { 'if-match': `"${claimed.body.version}"` },
    body: { action: 'RELEASE', message: 'Released after a documentary check' },
  });
  expect(decided.status).toBe(200);
}

describe('notifications for carriers and partner agencies', () => {
  it("tells the agency of an application to it and the trader of the agency's decision", async () => {
    // Act
    const permitId = await approvedPermit();
    const [applied] = await awaitNotifications(agencyReceiver, (n) => n.data.permit?.id === permitId, 1);
    const [approved] = await awaitNotifications(traderReceiver, (n) => n.data.permit?.id === permitId, 1);

    // Assess
    expect(applied).toMatchObject({
      id: `evt_${permitId}_applied`,
      type: 'permit.applied',
      data: { permit: { id: permitId, status: 'APPLIED', agencyId: 'GB-PHSI', holderId: traderParty } },
    });
    expect(approved).toMatchObject({
      id: `evt_${permitId}_decided`,
      type: 'permit.approved',
      data: { permit: { id: permitId, status: 'APPROVED', granted: { value: '100', unit: 'KGM' } } },
    });
    // The agency does not hear of its own decision, nor the trader of its application.
    expect(notificationsAt(agencyReceiver, (n) => n.data.permit?.id === permitId).map((n) => n.type)).toEqual(['permit.applied']);
    expect(notificationsAt(traderReceiver, (n) => n.data.permit?.id === permitId).map((n) => n.type)).toEqual(['permit.approved']);
  }, 120_000);

  it("tells the carrier its line's goods were declared and released, and the agency what the release drew on its permit", async () => {
    // Prepare: the carrier reports the goods' arrival first; the trader holds an approved permit
    const permitId = await approvedPermit();
    const ref = `TWS-BL-${randomInt(1_000_000, 9_999_999)}`;
    const manifest = structuredClone(manifestFixture);
    manifest.carrier.id = carrierParty;
    manifest.transport.voyage = `TWS${randomInt(100_000, 999_999)}E`;
    manifest.arrivedAt = new Date().toISOString();
    manifest.lines = [{ ...(manifestFixture.lines[0] as ManifestInput['lines'][number]), transportDocument: { type: 'N705', ref } }];
    const reported = await api<{ id: string }>('POST', '/v1/manifests', { token: carrier, body: manifest });
    expect(reported.status).toBe(201);

    // Act
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', {
      token: trader,
      body: declarationFor(traderParty, (declaration) => {
        tomatoes(permitId)(declaration);
        declaration.consignment.transportDocument = { type: 'N705', ref };
        declaration.consignment.grossMassKg = manifestFixture.lines[0]?.grossMassKg ?? '2100';
      }),
    });
    expect(submitted.status).toBe(202);
    await released(submitted.body.id);
    const toCarrier = await awaitNotifications(carrierReceiver, (n) => n.data.manifestId === reported.body.id, 2);
    const [drawn] = await awaitNotifications(
      agencyReceiver,
      (n) => n.type === 'permit.drawn' && n.data.declarationId === submitted.body.id,
      1,
    );

    // Assess
    const line = { manifestId: reported.body.id, line: 1, office: manifest.office };
    // Both come from the one RELEASED event of a green lane and are delivered in parallel, in no set order.
    expect(toCarrier.map((n) => [n.id, n.type]).sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      [`evt_${reported.body.id}_1_declared`, 'cargo.declared'],
      [`evt_${reported.body.id}_1_released`, 'cargo.released'],
    ]);
    for (const notification of toCarrier) {
      expect(notification.data).toMatchObject(line);
      // A carrier learns that its line was declared, never by which declaration (a trader's).
      expect(JSON.stringify(notification)).not.toContain(submitted.body.id);
    }
    expect(drawn?.data).toMatchObject({ draws: [{ permitId, permitType: 'PLANT_HEALTH', quantity: '7.5', unit: 'KGM' }] });
    await awaitNotifications(traderReceiver, (n) => n.type === 'declaration.released' && n.data.declarationId === submitted.body.id, 1);
  }, 180_000);

  it('refuses a carrier a subscription to permit events, with a pointer to the type', async () => {
    // Act
    const refused = await api<{ problems: { pointer: string; code: string }[] }>('POST', '/v1/subscriptions', {
      token: carrier,
      body: { url: 'http://127.0.0.1:9/hooks', events: ['cargo.released', 'permit.applied'] },
    });
    const listed = await api<{ items: unknown[] }>('GET', '/v1/subscriptions', { token: carrier });

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([expect.objectContaining({ pointer: '/events/1', code: 'EVENT_TYPE_NOT_ALLOWED' })]);
    expect(listed.body.items).toHaveLength(1);
  });
});
