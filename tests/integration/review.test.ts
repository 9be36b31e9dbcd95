/**
 * The officer's part end to end on the local cloud: a RED declaration in the queue, claimed,
 * decided on over HTTP; what the trader sees of it; cancel before and after release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSelection, demoThresholds } from '#demo/risk-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let officerA: string;
let officerB: string;

interface Entry {
  id: string;
  status: string;
  version: number;
  claim: { officerId: string; until: string } | null;
}
interface Problem {
  problems: { code: string; message: string }[];
}

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  officerA = cloud.mintToken({ role: 'officer', sub: 'officer-a' });
  officerB = cloud.mintToken({ role: 'officer', sub: 'officer-b' });
  // No random selection: lanes come from the criteria alone.
  const settings = {
    selection: {
      ...demoSelection,
      default: { minimumRandom: { RED: 0, YELLOW: 0, BLUE: 0 }, expected: { RED: 0, YELLOW: 0, BLUE: 0 } },
      offices: {},
    },
    thresholds: demoThresholds,
  };
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: settings,
  });
  expect(loaded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

/** Ferro-silicon from China: the demo anti-dumping profile sends it to the RED lane. */
const ferroSilicon = (d: DeclarationInput) => {
  d.items[0] = { ...d.items[0]!, commodityCode: '7202210000', description: 'Ferro-silicon, containing by weight more than 55% of silicon' };
};

async function submitted(party: string, change: (d: DeclarationInput) => void, until: string[]): Promise<string> {
  const trader = cloud.mintToken({ role: 'trader', party });
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party, change) });
  expect(response.status).toBe(202);
  const id = response.body.id;
  await eventually(async () => {
    const view = await api<{ status: string }>('GET', `/v1/declarations/${id}`, { token: trader });
    return until.includes(view.body.status) ? true : undefined;
  });
  return id;
}

describe('officer review over HTTP', () => {
  it('claims a RED declaration, keeps other officers and traders out, releases it; the trader sees RELEASED and the message, not the note', async () => {
    // Prepare
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const id = await submitted(party, ferroSilicon, ['UNDER_REVIEW']);
    const base = `/v1/review/declarations/${id}`;

    // Act
    const claimed = await api<Entry>('POST', `${base}/claim`, { token: officerA });
    const queue = await api<{ items: Entry[]; counts: Record<string, number> }>('GET', '/v1/review/queue?limit=100', { token: officerB });
    const otherOfficer = await api<Problem>('POST', `${base}/decisions`, { token: officerB, body: { action: 'RELEASE' } });
    const asTrader = await api<Problem>('POST', `${base}/claim`, { token: trader });
    const traderDecides = await api<Problem>('POST', `${base}/decisions`, { token: trader, body: { action: 'RELEASE' } });
    const stale = await api<Problem>('POST', `${base}/decisions`, {
      token: officerA,
      headers: { 'if-match': `"${claimed.body.version - 1}"` },
      body: { action: 'RELEASE' },
    });
    const badBody = await api<Problem>('POST', `${base}/decisions`, { token: officerA, body: { action: 'HOLD' } });
    const decision = {
      action: 'RELEASE',
      note: 'internal: value checked against the contract',
      message: 'Released after a documentary check',
    };
    const released = await api<Entry>('POST', `${base}/decisions`, {
      token: officerA,
      headers: { 'if-match': `"${claimed.body.version}"` },
      body: decision,
    });
    const repeated = await api<Entry>('POST', `${base}/decisions`, {
      token: officerA,
      headers: { 'if-match': `"${claimed.body.version}"` },
      body: decision,
    });
    const view = await api<Record<string, unknown>>('GET', `/v1/declarations/${id}`, { token: trader });
    const traderEvents = await api<{ items: { type: string; actor: { id: string }; note: string | null }[] }>(
      'GET',
      `/v1/declarations/${id}/events`,
      { token: trader },
    );
    const officerEvents = await api<{ items: { type: string; actor: { id: string }; note: string | null }[] }>(
      'GET',
      `/v1/declarations/${id}/events`,
      { token: officerB },
    );
    const cancelAfterRelease = await api<Problem>('POST', `/v1/declarations/${id}/cancel`, { token: trader, body: { reason: 'too late' } });

    // Assess
    expect(claimed.status).toBe(200);
    expect(claimed.body.claim?.officerId).toBe('officer-a');
    expect(queue.body.items.find((item) => item.id === id)?.claim?.officerId).toBe('officer-a');
    expect(queue.body.counts.RED).toBeGreaterThanOrEqual(1);
    expect(otherOfficer.status).toBe(409);
    expect(otherOfficer.body.problems[0]?.code).toBe('CLAIMED_BY_ANOTHER_OFFICER');
    expect([asTrader.status, traderDecides.status]).toEqual([403, 403]);
    expect(stale.status).toBe(412);
    expect(badBody.status).toBe(400);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'RELEASED', claim: null });
    expect(released.headers.get('etag')).toBe(`"${released.body.version}"`);
    expect(repeated.body).toEqual(released.body);
    expect(view.body).toMatchObject({ status: 'RELEASED', decision: { action: 'RELEASE', message: decision.message, officerId: null } });
    expect(JSON.stringify([view.body, traderEvents.body])).not.toContain(decision.note);
    expect(officerEvents.body.items.filter((event) => event.type === 'RELEASED')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: 'officer-a' }), note: decision.note }),
    ]);
    expect(cancelAfterRelease.status).toBe(409);
    expect(cancelAfterRelease.body.problems[0]?.code).toBe('ALREADY_RELEASED');
  });

  it('lets the trader cancel a declaration under review; it leaves the queue', async () => {
    // Prepare
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const id = await submitted(party, ferroSilicon, ['UNDER_REVIEW']);

    // Act
    const cancelled = await api<{ status: string }>('POST', `/v1/declarations/${id}/cancel`, {
      token: trader,
      body: { reason: 'order withdrawn' },
    });
    const byOfficer = await api('POST', `/v1/declarations/${id}/cancel`, { token: officerA, body: { reason: 'x' } });
    const queue = await api<{ items: Entry[] }>('GET', '/v1/review/queue?lane=RED&limit=100', { token: officerA });
    const claim = await api<Problem>('POST', `/v1/review/declarations/${id}/claim`, { token: officerA });

    // Assess
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(byOfficer.status).toBe(403);
    expect(queue.body.items.map((item) => item.id)).not.toContain(id);
    expect(claim.status).toBe(409);
    expect(claim.body.problems[0]?.code).toBe('NOT_REVIEWABLE');
  });
});
