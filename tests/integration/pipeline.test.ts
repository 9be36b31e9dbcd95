/**
 * The whole pipeline against the local cloud: intake -> validation -> risk -> duty -> release or
 * officer review, with the demo region seeded (real GB tariff pack, demo risk profiles).
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let officer: string;

const trustedTrader = 'GB987654321000';

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  admin = cloud.mintToken({ role: 'admin' });
  officer = cloud.mintToken({ role: 'officer' });
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection });
  expect(loaded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

interface View {
  id: string;
  status: string;
  version: number;
  lane: string | null;
  risk: {
    lane: string;
    score: number;
    reasons: { kind: string; profileId?: string; profileVersion?: number; text: string }[];
    profileVersions: Record<string, number>;
    selection?: { recent?: { declarations: number; lanes: Record<string, number> } };
  } | null;
  assessment: {
    currency: string;
    tariffPackVersion: string;
    totals: { total: string; byTaxType: Record<string, string> };
    items: { lines: { taxType: string; amount: string; calculation: string }[] }[];
  } | null;
  assessmentProblems: { code: string }[] | null;
  releasedAt: string | null;
}

async function submit(token: string, declaration: DeclarationInput): Promise<string> {
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token, body: declaration });
  expect(response.status).toBe(202);
  return response.body.id;
}

async function settled(id: string, token: string): Promise<View> {
  return eventually(
    async () => {
      const response = await api<View>('GET', `/v1/declarations/${id}`, { token });
      return ['RELEASED', 'UNDER_REVIEW', 'REJECTED'].includes(response.body.status) ? response.body : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

describe('risk, duty and release', () => {
  it('releases a clean declaration of the trusted trader in the GREEN lane, with its assessment stored', async () => {
    // Prepare
    const token = cloud.mintToken({ role: 'trader', party: trustedTrader });
    const declaration = declarationFor(trustedTrader);

    // Act
    const id = await submit(token, declaration);
    const view = await settled(id, token);

    // Assess
    expect(view).toMatchObject({ status: 'RELEASED', lane: 'GREEN' });
    expect(view.releasedAt).not.toBeNull();
    expect(view.assessment?.currency).toBe('GBP');
    expect(view.assessment?.items[0]?.lines.map((line) => line.taxType)).toEqual(expect.arrayContaining(['A00', 'B00']));
    const events = await api<{ items: { type: string }[] }>('GET', `/v1/declarations/${id}/events`, { token });
    expect(events.body.items.map((event) => event.type)).toEqual(['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED', 'RELEASED']);
  });

  it('takes a 999-item declaration through every stage (large parts stay within the item size limit)', async () => {
    // Prepare
    const token = cloud.mintToken({ role: 'trader', party: trustedTrader });
    const declaration = declarationFor(trustedTrader, (d) => {
      const item = d.items[0]!;
      d.items = Array.from({ length: 999 }, (_, index) => ({
        ...item,
        description: `${item.description}, lot ${index + 1}`,
        netMassKg: '2',
        quantities: [{ value: '2', unit: 'KGM' }],
        invoiceAmount: '5.00',
      }));
      d.valuation.invoiceTotal = '4995.00';
    });

    // Act
    const id = await submit(token, declaration);
    const view = await settled(id, token);

    // Assess (dynalite does not enforce DynamoDB's 400 KB item limit, so measure the stored item)
    expect(['RELEASED', 'UNDER_REVIEW']).toContain(view.status);
    expect(view.assessment?.items).toHaveLength(999);
    const dynamodb = new DynamoDBClient({ endpoint: cloud.endpoints.dynamodb });
    const stored = await dynamodb.send(
      new GetItemCommand({ TableName: cloud.tableNames.main, Key: { PK: { S: `DECL#${id}` }, SK: { S: 'META' } } }),
    );
    dynamodb.destroy();
    const bytes = Object.entries(stored.Item ?? {}).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(name) + (value.B ? value.B.byteLength : Buffer.byteLength(JSON.stringify(value))),
      0,
    );
    expect(bytes).toBeLessThan(400_000);
  });

  it('gives the same figures for the same body through POST /v1/duty-estimates', async () => {
    // Prepare
    const token = cloud.mintToken({ role: 'trader', party: trustedTrader });
    const declaration = declarationFor(trustedTrader);
    const id = await submit(token, declaration);
    const view = await settled(id, token);

    // Act
    const estimate = await api<NonNullable<View['assessment']>>('POST', '/v1/duty-estimates', { token, body: declaration });

    // Assess
    expect(estimate.status).toBe(200);
    expect(estimate.body.totals).toEqual(view.assessment?.totals);
    expect(estimate.body.items).toEqual(view.assessment?.items);
  });

  it('puts a declaration that hits a RED profile UNDER_REVIEW with the profile among its reasons, in the officer queue', async () => {
    // Prepare: ferro-silicon from China, the demo anti-dumping profile
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const declaration = declarationFor(party, (d) => {
      d.items[0]!.commodityCode = '7202210000';
      d.items[0]!.description = 'Ferro-silicon, containing by weight more than 55% of silicon';
    });

    // Act
    const id = await submit(token, declaration);
    const view = await settled(id, officer);
    const asOwner = await api<View>('GET', `/v1/declarations/${id}`, { token });
    const queue = await api<{ items: { id: string; lane: string }[] }>(
      'GET',
      `/v1/review/queue?lane=RED&office=${declaration.office}&limit=100`,
      {
        token: officer,
      },
    );
    const asTrader = await api('GET', `/v1/review/queue?lane=RED&office=${declaration.office}`, { token });

    // Assess
    expect(view).toMatchObject({ status: 'UNDER_REVIEW', lane: 'RED' });
    expect(asOwner.body).toMatchObject({ status: 'UNDER_REVIEW', lane: 'RED', risk: null });
    expect(view.risk?.reasons).toContainEqual(expect.objectContaining({ kind: 'PROFILE', profileId: 'RP-GB-FESI-AD', profileVersion: 1 }));
    expect(queue.status).toBe(200);
    expect(queue.body.items).toContainEqual(expect.objectContaining({ id, lane: 'RED' }));
    expect(asTrader.status).toBe(403);
  });

  it('applies a profile edit only to declarations submitted afterwards', async () => {
    // Prepare: a profile that sends goods from Vietnam to the RED lane
    const party = newParty();
    const token = cloud.mintToken({ role: 'trader', party });
    const profile = {
      name: 'Vietnamese origin check',
      reason: 'Origin verification campaign for goods declared as Vietnamese.',
      validFrom: '2020-01-01',
      criteria: { kind: 'origin', countries: ['VN'] },
      outcome: { lane: 'RED' },
    };
    const created = await api<{ id: string; version: number }>('POST', '/v1/admin/risk-profiles', { token: officer, body: profile });
    expect(created.status).toBe(201);
    const fromVietnam = (d: DeclarationInput) => {
      d.items[0]!.origin = 'VN';
      d.exporter.country = 'VN';
    };
    const before = await submit(token, declarationFor(party, fromVietnam));

    // Act: disable it (version 2), then submit the same kind of declaration again
    const disabled = await api<{ version: number }>('POST', `/v1/admin/risk-profiles/${created.body.id}/disable`, {
      token: officer,
      headers: { 'if-match': '"1"' },
    });
    const after = await submit(token, declarationFor(party, fromVietnam));

    // Assess
    expect(disabled.body.version).toBe(2);
    const first = await settled(before, officer);
    const second = await settled(after, officer);
    expect(first.lane).toBe('RED');
    expect(first.risk?.profileVersions[created.body.id]).toBe(1);
    expect(second.risk?.reasons.map((reason) => reason.profileId)).not.toContain(created.body.id);
    expect(second.lane).not.toBe('RED');
    const versions = await api<{ items: { version: number; enabled: boolean }[] }>('GET', `/v1/admin/risk-profiles/${created.body.id}`, {
      token: officer,
    });
    expect(versions.body.items.map((v) => [v.version, v.enabled])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('refuses risk profile administration to traders and invalid profiles with pointed problems', async () => {
    // Prepare
    const trader = cloud.mintToken({ role: 'trader', party: newParty() });

    // Act
    const asTrader = await api('GET', '/v1/admin/risk-profiles', { token: trader });
    const invalid = await api<{ problems: { pointer: string; code: string }[] }>('POST', '/v1/admin/risk-profiles', {
      token: officer,
      body: {
        name: 'x',
        reason: 'y',
        validFrom: '2026-01-01',
        criteria: { kind: 'origin', countries: ['china'] },
        outcome: { lane: 'PURPLE' },
      },
    });

    // Assess
    expect(asTrader.status).toBe(403);
    expect(invalid.status).toBe(400);
    const pointers = invalid.body.problems.map((p) => p.pointer);
    expect(pointers.some((pointer) => pointer.startsWith('/criteria'))).toBe(true);
    expect(pointers.some((pointer) => pointer.startsWith('/outcome'))).toBe(true);
  });

  it('dry-runs a draft profile against recent declarations', async () => {
    // Prepare: at least one declaration of today with commodity 8510 exists from the tests above
    const draft = {
      name: 'All shaver parts',
      reason: 'How many would a blanket check select?',
      validFrom: '2020-01-01',
      criteria: { kind: 'commodityCode', prefixes: ['8510'] },
      outcome: { lane: 'YELLOW' },
    };

    // Act
    const result = await api<{ evaluated: number; matched: number }>('POST', '/v1/admin/risk-profiles/dry-run?days=1', {
      token: officer,
      body: draft,
    });

    // Assess
    expect(result.status).toBe(200);
    expect(result.body.evaluated).toBeGreaterThan(0);
    expect(result.body.matched).toBeGreaterThan(0);
    expect(result.body.matched).toBeLessThanOrEqual(result.body.evaluated);
  });

  it('rebuilds the valuation references from past declarations (admin only)', async () => {
    // Prepare: five more accepted shaver-part declarations from China, enough for a median
    const token = cloud.mintToken({ role: 'trader', party: trustedTrader });
    for (let index = 0; index < 5; index += 1) await settled(await submit(token, declarationFor(trustedTrader)), token);

    // Act
    const asOfficer = await api('POST', '/v1/admin/valuation-references/rebuild?days=1', { token: officer });
    const rebuilt = await api<{ version: string; declarations: number; entries: number }>(
      'POST',
      '/v1/admin/valuation-references/rebuild?days=1',
      { token: admin },
    );
    const history = await api<{ items: { version: string }[] }>('GET', '/v1/admin/reference-documents/valuation-references', {
      token: admin,
    });

    // Assess
    expect(asOfficer.status).toBe(403);
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.declarations).toBeGreaterThanOrEqual(5);
    expect(rebuilt.body.entries).toBeGreaterThan(0);
    expect(history.body.items[0]?.version).toBe(rebuilt.body.version);
  });

  it('looks a commodity up with the measures that apply', async () => {
    // Act
    const token = cloud.mintToken({ role: 'trader', party: newParty() });
    const found = await api<{ code: string; measures: { type: string }[] }>('GET', '/v1/tariff/commodities/8510900000?origin=CN', {
      token,
    });
    const unknown = await api('GET', '/v1/tariff/commodities/9999999999', { token });

    // Assess
    expect(found.status).toBe(200);
    expect(found.body.measures.length).toBeGreaterThan(0);
    expect(unknown.status).toBe(404);
  });
});
