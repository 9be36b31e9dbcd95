/**
 * Partner agencies and permits against the local cloud (docs/single-window.md), with the demo
 * region's permit rules seeded: a trader applies, the plant health agency approves, declarations
 * of tomatoes cite the permit and draw it down at release, never below zero, and give it back when
 * an officer rejects them or their trader cancels them afterwards (once); an agency user sees only
 * its agency's permits and the declarations citing them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citesAgency } from '#demo/permit-rules-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { PermitView } from '#shared/domain/permits.ts';
import { Dec, plain } from '#shared/tariff/money.ts';
import { daysFrom, tomatoes, tomatoesApplication, tomatoesWithFerroSilicon } from '#tests/support/permits.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, defermentAccountOf, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
/** The demo plant health inspector (agency GB-PHSI). */
let inspector: string;
/** A user of the CITES authority: another agency. */
let citesOfficer: string;

interface View {
  id: string;
  status: string;
  validation: { problems: { pointer: string; code: string; message: string }[] } | null;
}

/** Statuses a declaration rests in once its release stage has run (or validation refused it). */
const settled = ['RELEASED', 'UNDER_REVIEW', 'AWAITING_PAYMENT', 'REJECTED'];

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  admin = cloud.mintToken({ role: 'admin' });
  inspector = cloud.mintToken({ role: 'agency' });
  citesOfficer = cloud.mintToken({ role: 'agency', agency: citesAgency });
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection });
  expect(loaded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

/** The party's permit for tomatoes, approved by the plant health agency for `value` kg from today. */
async function approvedPermit(trader: string, value: string): Promise<string> {
  const applied = await api<{ id: string; status: string }>('POST', '/v1/permits', {
    token: trader,
    body: { ...tomatoesApplication(), quantity: { value, unit: 'KGM' } },
  });
  expect(applied.status).toBe(201);
  const today = new Date().toISOString().slice(0, 10);
  const decided = await api<{ status: string }>('POST', `/v1/permits/${applied.body.id}/decision`, {
    token: inspector,
    body: { decision: 'APPROVE', quantity: { value, unit: 'KGM' }, validFrom: today, validUntil: daysFrom(today, 29) },
  });
  expect(decided.status).toBe(200);
  return applied.body.id;
}

async function submitAndSettle(token: string, body: unknown): Promise<View> {
  const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token, body });
  expect(submitted.status).toBe(202);
  let last = '';
  return eventually(
    async () => {
      const view = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token });
      last = view.body.status;
      return settled.includes(view.body.status) ? view.body : undefined;
    },
    { timeoutMs: 90_000 },
  ).catch((error: unknown) => {
    throw new Error(`declaration ${submitted.body.id} still ${last}: ${String(error)}`);
  });
}

const permitOf = async (id: string, token: string) => (await api<PermitView>('GET', `/v1/permits/${id}`, { token })).body;

describe('permits', () => {
  it('rejects a plant-health declaration without a permit, and accepts one citing it, drawing exactly its quantity', async () => {
    // Prepare
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const permitId = await approvedPermit(trader, '100');

    // Act
    const without = await submitAndSettle(trader, declarationFor(party, tomatoes()));
    const withPermit = await submitAndSettle(trader, declarationFor(party, tomatoes(permitId, '12.345')));

    // Assess
    expect(without.status).toBe('REJECTED');
    expect(without.validation?.problems).toEqual([
      expect.objectContaining({ pointer: '/items/0/documents', code: 'PERMIT_REQUIRED', message: expect.stringContaining('N851') }),
    ]);
    expect(withPermit.status).not.toBe('REJECTED');
    const permit = await permitOf(permitId, trader);
    expect(permit.remaining).toBe('87.655');
    expect(permit.draws).toEqual([expect.objectContaining({ declarationId: withPermit.id, quantity: '12.345' })]);
  }, 120_000);

  it('never overdraws a permit under 20 concurrent declarations (count and sum)', async () => {
    // Prepare
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const permitId = await approvedPermit(trader, '100');
    // One declaration needing no permit first: its account is opened before the 20 race to use it.
    await submitAndSettle(trader, declarationFor(party));

    // Act: 20 x 7.5 kg on 100 kg.
    const views = await Promise.all(Array.from({ length: 20 }, () => submitAndSettle(trader, declarationFor(party, tomatoes(permitId)))));

    // Assess: 13 x 7.5 = 97.5 fit, the rest are refused for want of quantity (at validation or at release).
    const accepted = views.filter((view) => view.status !== 'REJECTED');
    const refused = views.filter((view) => view.status === 'REJECTED');
    const permit = await permitOf(permitId, trader);
    const drawn = permit.draws.reduce((sum, draw) => sum.plus(draw.quantity), new Dec(0));
    expect(accepted).toHaveLength(13);
    expect(permit.draws.map((draw) => draw.declarationId).sort()).toEqual(accepted.map((view) => view.id).sort());
    expect(plain(drawn)).toBe('97.5');
    expect(permit.remaining).toBe('2.5');
    for (const view of refused) expect(view.validation?.problems.map((p) => p.code)).toEqual(['PERMIT_QUANTITY_INSUFFICIENT']);
  }, 180_000);

  it('shows an agency user its permits and the declarations citing them, nothing else', async () => {
    // Prepare
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const permitId = await approvedPermit(trader, '50');
    const citing = await submitAndSettle(trader, declarationFor(party, tomatoes(permitId)));
    const needingNone = await submitAndSettle(trader, declarationFor(party));

    // Act
    const read = async (id: string, token: string) => (await api('GET', `/v1/declarations/${id}`, { token })).status;
    const citingByInspector = await read(citing.id, inspector);
    const noneByInspector = await read(needingNone.id, inspector);
    const citingByCites = await read(citing.id, citesOfficer);
    const permitByCites = await api('GET', `/v1/permits/${permitId}`, { token: citesOfficer });
    const inspectorsList = await api<{ items: { id: string }[] }>('GET', '/v1/permits', { token: inspector });
    const citesList = await api<{ items: { id: string }[] }>('GET', '/v1/permits', { token: citesOfficer });
    const listing = await api('GET', '/v1/declarations', { token: inspector });

    // Assess
    expect(citing.status).not.toBe('REJECTED');
    expect(citingByInspector).toBe(200);
    expect(noneByInspector).toBe(404);
    expect(citingByCites).toBe(404);
    expect(permitByCites.status).toBe(404);
    expect(inspectorsList.body.items.map((item) => item.id)).toContain(permitId);
    expect(citesList.body.items.map((item) => item.id)).not.toContain(permitId);
    expect(listing.status).toBe(403);
  }, 120_000);

  it('gives the quantity back once when an officer rejects a declaration that drew on the permit, and the duties drawn', async () => {
    // Prepare: a RED declaration under review, drawn at its release stage
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const officer = cloud.mintToken({ role: 'officer', sub: 'officer-permits' });
    const permitId = await approvedPermit(trader, '100');
    const reviewed = await submitAndSettle(trader, declarationFor(party, tomatoesWithFerroSilicon(permitId)));
    const drawn = await permitOf(permitId, trader);
    const usedOf = async () =>
      (await api<{ deferment?: { used: string } }>('GET', `/v1/accounts/${defermentAccountOf(party)}`, { token: trader })).body.deferment
        ?.used;
    const usedUnderReview = await usedOf();
    const review = `/v1/review/declarations/${reviewed.id}`;
    expect((await api('POST', `${review}/claim`, { token: officer })).status).toBe(200);
    const reject = { action: 'REJECT', message: 'Goods not as declared' };

    // Act: rejected, then the same rejection again
    const rejected = await api<View>('POST', `${review}/decisions`, { token: officer, body: reject });
    const afterRejection = await permitOf(permitId, trader);
    const repeated = await api<View>('POST', `${review}/decisions`, { token: officer, body: reject });

    // Assess
    expect(reviewed.status).toBe('UNDER_REVIEW');
    expect(drawn.remaining).toBe('92.5');
    expect([rejected.status, rejected.body.status, repeated.status]).toEqual([200, 'REJECTED', 200]);
    expect(afterRejection.remaining).toBe('100');
    expect(afterRejection.draws).toEqual([]);
    expect((await permitOf(permitId, trader)).remaining).toBe('100');
    // The duties the release stage drew on the deferment account are given back too.
    expect(usedUnderReview).not.toBe('0.00');
    expect(await usedOf()).toBe('0.00');
  }, 120_000);

  it('gives the quantity back once when the trader cancels a declaration awaiting payment after it drew on the permit', async () => {
    // Prepare: the trusted trader's GREEN declaration paid immediately (method H): it waits for payment, drawn
    const party = 'GB987654321000';
    const trader = cloud.mintToken({ role: 'trader', party });
    const permitId = await approvedPermit(trader, '100');
    const waiting = await submitAndSettle(
      trader,
      declarationFor(party, (d) => {
        tomatoes(permitId)(d);
        d.payment = { method: 'H' };
      }),
    );
    const drawn = await permitOf(permitId, trader);
    const cancel = { reason: 'consignment lost' };

    // Act: cancelled, then the same cancellation again
    const cancelled = await api<View>('POST', `/v1/declarations/${waiting.id}/cancel`, { token: trader, body: cancel });
    const afterCancellation = await permitOf(permitId, trader);
    const repeated = await api<View>('POST', `/v1/declarations/${waiting.id}/cancel`, { token: trader, body: cancel });

    // Assess
    expect(waiting.status).toBe('AWAITING_PAYMENT');
    expect(drawn.remaining).toBe('92.5');
    expect([cancelled.status, cancelled.body.status, repeated.status]).toEqual([200, 'CANCELLED', 200]);
    expect(afterCancellation.remaining).toBe('100');
    expect((await permitOf(permitId, trader)).remaining).toBe('100');
  }, 120_000);
});
