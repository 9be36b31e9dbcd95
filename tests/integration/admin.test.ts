/**
 * Administration against the local cloud: reference documents (gzip uploads, versions in force at
 * a moment), roles on admin routes, trader status, optimistic concurrency on profiles, cursors.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSelection, demoThresholds } from '#demo/risk-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { referenceDocuments } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { listRiskProfilesOperation } from '#shared/http/operations/risk-profiles.ts';
import { lookUpCommodityOperation } from '#shared/http/operations/tariff.ts';
import { apiClient, declarationFor, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let officer: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData(); // declarations made here flow through the pipeline, which needs the tariff
  api = apiClient(cloud.apiUrl).call;
  admin = cloud.mintToken({ role: 'admin' });
  officer = cloud.mintToken({ role: 'officer' });
});

afterAll(async () => {
  await cloud?.stop();
});

const rates = (rate: string) => ({
  format: 'customs-clearance/exchange-rates@1',
  version: `test-${rate}`,
  nationalCurrency: 'GBP',
  rates: [{ currency: 'USD', period: '2026-11', rate, source: 'test' }],
  notes: [],
});

describe('reference documents', () => {
  it('loads a gzip-encoded document, names the version by its content, and refuses non-admins', async () => {
    // Prepare
    const body = JSON.stringify(rates('0.80'));

    // Act
    const response = await fetch(`${cloud.apiUrl}/v1/admin/reference-documents/exchange-rates`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(body),
    });
    const loaded = (await response.json()) as { version: string; kind: string };
    const again = await api<{ version: string }>('PUT', '/v1/admin/reference-documents/exchange-rates', { token: admin, rawBody: body });
    const byOfficer = await api('PUT', '/v1/admin/reference-documents/exchange-rates', { token: officer, rawBody: body });
    const unknownKind = await api<{ problems: { code: string; pointer: string }[] }>('PUT', '/v1/admin/reference-documents/tea-leaves', {
      token: admin,
      rawBody: body,
    });
    // Names of Object.prototype members are kinds like any other unknown name.
    const prototypeGet = await api('GET', '/v1/admin/reference-documents/__proto__', { token: admin });
    const constructorPut = await api('PUT', '/v1/admin/reference-documents/constructor', { token: admin, rawBody: body });

    // Assess
    expect(response.status).toBe(200);
    expect(loaded.kind).toBe('exchangeRates');
    expect(again.body.version).toBe(loaded.version);
    expect(byOfficer.status).toBe(403);
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.problems[0]).toMatchObject({ pointer: '/kind', code: 'INVALID_VALUE' });
    expect(prototypeGet.status).toBe(400);
    expect(constructorPut.status).toBe(400);
  });

  it('answers with the version that was current at a moment, so later loads change nothing done before', async () => {
    // Prepare
    const store = referenceDocuments(loadConfig('loadReferenceDocument'));
    const first = await api<{ version: string; loadedAt: string }>('PUT', '/v1/admin/reference-documents/risk-settings', {
      token: admin,
      body: { selection: demoSelection, thresholds: demoThresholds },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await api<{ version: string }>('PUT', '/v1/admin/reference-documents/risk-settings', {
      token: admin,
      body: { selection: demoSelection, thresholds: { ...demoThresholds, RED: 90 } },
    });

    // Act
    const atBetween = await store.asOf('riskSettings', between, (raw) => raw);
    const current = await store.current('riskSettings', (raw) => raw);
    const before = await store.asOf('riskSettings', '2000-01-01T00:00:00.000Z', (raw) => raw);

    // Assess
    expect(atBetween?.version).toBe(first.body.version);
    expect(current?.version).toBe(second.body.version);
    // Work from before the region's first load uses that first load.
    expect(before?.version).toBe((await store.history('riskSettings')).at(-1)?.version);
  });
});

describe('traders and risk profiles', () => {
  it('lets only an admin set a trader status, keeping the history the platform counted', async () => {
    // Prepare
    const party = newParty();
    const status = { aeo: 'AEOF', trusted: true, name: 'Test Trading' };

    // Act
    const byOfficer = await api('PUT', `/v1/admin/traders/${party}`, { token: officer, body: status });
    const byTrader = await api('PUT', `/v1/admin/traders/${party}`, { token: cloud.mintToken({ role: 'trader', party }), body: status });
    const set = await api<{ aeo: string; trusted: boolean; declarationsCount: number }>('PUT', `/v1/admin/traders/${party}`, {
      token: admin,
      body: status,
    });
    const read = await api<{ aeo: string }>('GET', `/v1/admin/traders/${party}`, { token: officer });

    // Assess
    expect(byOfficer.status).toBe(403);
    expect(byTrader.status).toBe(403);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ aeo: 'AEOF', trusted: true, declarationsCount: 0 });
    expect(read.body.aeo).toBe('AEOF');
  });

  it('refuses an edit of a risk profile version that is no longer current with 412', async () => {
    // Prepare
    const profile = {
      name: 'Test profile',
      reason: 'Testing optimistic concurrency.',
      validFrom: '2020-01-01',
      criteria: { kind: 'origin', countries: ['TV'] },
      outcome: { score: 10 },
    };
    const created = await api<{ id: string }>('POST', '/v1/admin/risk-profiles', { token: officer, body: profile });
    await api('PUT', `/v1/admin/risk-profiles/${created.body.id}`, { token: officer, body: profile, headers: { 'if-match': '"1"' } });

    // Act
    const stale = await api<{ problems: { code: string }[] }>('PUT', `/v1/admin/risk-profiles/${created.body.id}`, {
      token: officer,
      body: profile,
      headers: { 'if-match': '"1"' },
    });

    // Assess
    expect(stale.status).toBe(412);
    expect(stale.body.problems[0]?.code).toBe('RISK_PROFILE_EDITED');
  });
});

describe('risk profile listing', () => {
  it('lists the current version of each profile with its effectiveness, in the form the route table declares', async () => {
    // Prepare: a profile edited once (version 2)
    const profile = {
      name: 'Listed profile',
      reason: 'Testing the list.',
      validFrom: '2020-01-01',
      criteria: { kind: 'origin', countries: ['TO'] },
      outcome: { score: 5 },
    };
    const created = await api<{ id: string }>('POST', '/v1/admin/risk-profiles', { token: officer, body: profile });
    await api('PUT', `/v1/admin/risk-profiles/${created.body.id}`, { token: officer, body: profile, headers: { 'if-match': '"1"' } });

    // Act
    const listed = await api<unknown>('GET', '/v1/admin/risk-profiles', { token: officer });
    const one = await api<{ effectiveness: unknown }>('GET', `/v1/admin/risk-profiles/${created.body.id}`, { token: officer });

    // Assess
    expect(listed.status).toBe(200);
    const body = listRiskProfilesOperation.responses[200].schema.parse(listed.body);
    const ids = body.items.map((item) => item.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toContain('RP-GB-FESI-AD');
    expect(body.items.find((item) => item.id === created.body.id)?.version).toBe(2);
    expect(body.effectiveness[created.body.id]).toEqual({ selections: 0, inspections: 0, hits: 0 });
    expect(Object.keys(body.effectiveness).sort()).toEqual([...ids].sort());
    expect(one.body.effectiveness).toEqual(body.effectiveness[created.body.id]);
  });
});

describe('commodity look-up', () => {
  it('answers in the form the route table declares', async () => {
    // Act
    const found = await api<unknown>('GET', '/v1/tariff/commodities/7202210000?origin=CN&date=2026-11-20', { token: officer });

    // Assess
    expect(found.status).toBe(200);
    const body = lookUpCommodityOperation.responses[200].schema.parse(found.body);
    expect(body).toMatchObject({ code: '7202210000', origin: 'CN', date: '2026-11-20' });
    expect(body.measures.map((measure) => measure.role)).toEqual(expect.arrayContaining(['third-country', 'vat']));
  });
});

describe('listing cursors', () => {
  it("refuses another party's cursor", async () => {
    // Prepare
    const owner = newParty();
    const ownerToken = cloud.mintToken({ role: 'trader', party: owner });
    for (let index = 0; index < 2; index += 1) await api('POST', '/v1/declarations', { token: ownerToken, body: declarationFor(owner) });
    const page = await api<{ nextCursor: string | null }>('GET', '/v1/declarations?limit=1', { token: ownerToken });
    const other = cloud.mintToken({ role: 'trader', party: newParty() });

    // Act
    const replayed = await api<{ problems: { pointer: string; code: string }[] }>(
      'GET',
      `/v1/declarations?limit=1&cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`,
      { token: other },
    );

    // Assess
    expect(page.body.nextCursor).not.toBeNull();
    expect(replayed.status).toBe(400);
    expect(replayed.body.problems[0]).toMatchObject({ pointer: '/cursor', code: 'INVALID_CURSOR' });
  });
});
