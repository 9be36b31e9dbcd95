/**
 * The officer's part end to end on the local cloud: a RED declaration in the queue, claimed,
 * decided on over HTTP; what the trader sees of it; cancel before and after release.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { ferroSilicon } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty } from './support.ts';

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
  ({ cloud, api } = await startSeededCloud());
  officerA = cloud.mintToken({ role: 'officer', sub: 'officer-a' });
  officerB = cloud.mintToken({ role: 'officer', sub: 'officer-b' });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

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
    const traderEvents = await api<{ items: { type: string; actor: { id: string }; note: string | null }[]; chain: { status: string } }>(
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
    // The history is a hash chain from the submitted bytes to the release, and it holds.
    expect(traderEvents.body.chain.status).toBe('INTACT');
    expect(cancelAfterRelease.status).toBe(409);
    expect(cancelAfterRelease.body.problems[0]?.code).toBe('ALREADY_RELEASED');
  });

  it('inspects a RED declaration with a corrected value and commodity code, re-assesses it to the penny, releases it; the trader sees the new assessment, not the findings', async () => {
    // Prepare: ferro-silicon from China priced CIF in pounds (customs value = invoice amount)
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const id = await submitted(
      party,
      (d) => {
        ferroSilicon(d);
        d.valuation = { currency: 'GBP', incoterm: 'CIF', invoiceTotal: '5000.00' };
        d.items[0]!.invoiceAmount = '5000.00';
      },
      ['UNDER_REVIEW'],
    );
    const base = `/v1/review/declarations/${id}`;
    const claimed = await api<Entry>('POST', `${base}/claim`, { token: officerA });
    const findings = 'the crates hold shaver parts; the real invoice was in the container';

    // Act
    const inspected = await api<{
      version: number;
      assessment: { totals: { total: string } };
      reassessment: { totals: { byTaxType: Record<string, string>; total: string } };
      inspection: { difference: { byTaxType: Record<string, string>; total: string; outcome: string } };
    }>('POST', `${base}/inspections`, {
      token: officerA,
      headers: { 'if-match': `"${claimed.body.version}"` },
      body: { result: 'DISCREPANCY', findings, corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }] },
    });
    const otherOfficer = await api<Problem>('POST', `${base}/inspections`, {
      token: officerB,
      body: { result: 'NO_DISCREPANCY', findings: 'x' },
    });
    const released = await api<Entry>('POST', `${base}/decisions`, {
      token: officerA,
      body: { action: 'RELEASE', message: 'Released; the additional duty and VAT are due' },
    });
    const view = await api<Record<string, unknown>>('GET', `/v1/declarations/${id}`, { token: trader });
    const events = await api<{ items: { type: string; detail: string | null; note: string | null }[] }>(
      'GET',
      `/v1/declarations/${id}/events`,
      {
        token: trader,
      },
    );

    // Assess: by hand, A00 2 % x 6,213.37 = 124.27 (was 0.00); B00 20 % x 6,337.64 = 1,267.53
    // (was 1,000.00); total 1,391.79 (the rounded sum of the unrounded lines; was 1,000.00)
    expect(inspected.status).toBe(200);
    expect(inspected.body.assessment.totals.total).toBe('1000.00');
    expect(inspected.body.reassessment.totals).toMatchObject({ byTaxType: { A00: '124.27', B00: '1267.53' }, total: '1391.79' });
    expect(inspected.body.inspection.difference).toEqual({
      byTaxType: { A00: '124.27', B00: '267.53' },
      total: '391.79',
      outcome: 'ADDITIONAL_AMOUNT_DUE',
    });
    expect(otherOfficer.status).toBe(409);
    expect(released.body.status).toBe('RELEASED');
    expect(view.body).toMatchObject({
      status: 'RELEASED',
      reassessment: { totals: { total: '1391.79' } },
      inspection: { result: 'DISCREPANCY', findings: null, officerId: null },
    });
    expect(JSON.stringify([view.body, events.body])).not.toContain(findings);
    expect(events.body.items.find((event) => event.type === 'INSPECTED')?.detail).toBe(
      'inspection found a discrepancy; duties re-assessed: additional amount due 391.79',
    );
    // The selecting profile's effectiveness counts the inspection and its hit.
    const officerView = await api<{ risk: { reasons: { kind: string; profileId?: string }[] } }>('GET', `/v1/declarations/${id}`, {
      token: officerB,
    });
    const profileId = officerView.body.risk.reasons.find((reason) => reason.kind === 'PROFILE')?.profileId;
    const profile = await api<{ effectiveness: { selections: number; inspections: number; hits: number } }>(
      'GET',
      `/v1/admin/risk-profiles/${profileId}`,
      { token: officerB },
    );
    expect(profile.body.effectiveness.selections).toBeGreaterThanOrEqual(1);
    expect(profile.body.effectiveness.hits).toBeGreaterThanOrEqual(1);
    expect(profile.body.effectiveness.inspections).toBeGreaterThanOrEqual(profile.body.effectiveness.hits);
  });

  it('takes an amendment through the pipeline again; the earlier body and outcomes stay readable', async () => {
    // Prepare: a RED declaration with nothing booked (VAT postponed, no duty: one with duties booked
    // may not be amended, docs/revenue.md); the trader corrects the goods to shaver parts, which no profile selects
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const id = await submitted(
      party,
      (d) => {
        ferroSilicon(d);
        d.payment = { ...d.payment, method: 'E', postponedVat: true };
      },
      ['UNDER_REVIEW'],
    );
    const before = await api<{ version: number; lrn: string }>('GET', `/v1/declarations/${id}`, { token: trader });
    const corrected = declarationFor(party, (d) => {
      d.lrn = before.body.lrn;
      d.items[0] = { ...d.items[0]!, commodityCode: '8510900000', description: 'Parts of electric shavers' };
    });

    // Act
    const withoutIfMatch = await api<Problem>('PUT', `/v1/declarations/${id}`, { token: trader, body: corrected });
    const amended = await api<{ status: string; amendment: number }>('PUT', `/v1/declarations/${id}`, {
      token: trader,
      headers: { 'if-match': `"${before.body.version}"` },
      body: corrected,
    });
    const settled = await eventually(async () => {
      const view = await api<{ status: string; amendment: number; lane: string; declaration: { items: { commodityCode: string }[] } }>(
        'GET',
        `/v1/declarations/${id}`,
        { token: trader },
      );
      return ['RELEASED', 'UNDER_REVIEW'].includes(view.body.status) && view.body.amendment === 1 ? view.body : undefined;
    });
    const original = await api<{ amendment: number; status: string; lane: string; declaration: { items: { commodityCode: string }[] } }>(
      'GET',
      `/v1/declarations/${id}/amendments/0`,
      { token: trader },
    );
    const missing = await api<Problem>('GET', `/v1/declarations/${id}/amendments/7`, { token: trader });
    const history = await api<{ items: { type: string }[]; chain: { status: string } }>('GET', `/v1/declarations/${id}/events`, {
      token: trader,
    });

    // Assess
    expect(withoutIfMatch.status).toBe(428);
    expect(amended.status).toBe(202);
    expect(amended.body).toMatchObject({ status: 'SUBMITTED', amendment: 1 });
    expect(settled.declaration.items[0]?.commodityCode).toBe('8510900000');
    expect(settled.lane).not.toBe('RED');
    expect(original.status).toBe(200);
    expect(original.body).toMatchObject({ amendment: 0, status: 'UNDER_REVIEW', lane: 'RED' });
    expect(original.body.declaration.items[0]?.commodityCode).toBe('7202210000');
    expect(missing.status).toBe(404);
    // The chain runs from the bytes first submitted through the amendment.
    expect(history.body.items.map((event) => event.type)).toContain('AMENDED');
    expect(history.body.chain.status).toBe('INTACT');
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
