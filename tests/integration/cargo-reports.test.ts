/**
 * Cargo reports against the local cloud (docs/single-window.md): a declaration lodged before its
 * goods arrive is processed and waits; the carrier's manifest releases it; a manifest reported
 * first is matched when the declaration comes; differences are risk facts for the officer; a line
 * is discharged by one declaration only; carriers see their own manifests; goods not declared in
 * time are listed for officers.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import { type ManifestInput, manifestIdOf } from '#shared/domain/cargo-reports.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let officer: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  officer = cloud.mintToken({ role: 'officer' });
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(loaded.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

interface View {
  id: string;
  status: string;
  lane: string | null;
  risk: { reasons: { kind: string; text: string }[] } | null;
  assessment: unknown;
  arrival: { manifestId: string; line: number; discharged: boolean } | null;
}

interface ManifestView {
  id: string;
  lines: { line: number; transportDocument: { ref: string }; dischargedBy?: { declarationId: string | null; at: string } }[];
}

const manifestFixture = JSON.parse(
  readFileSync(new URL('../fixtures/manifests/arrival-manifest.json', import.meta.url), 'utf8'),
) as ManifestInput;

const newRef = (): string => `TWS-BL-${randomInt(1_000_000, 9_999_999)}`;

/** The fixture manifest for a new carrier and voyage, its lines naming fresh transport documents. */
function manifestOf(carrier: string, refs: readonly string[], arrivedAt = new Date().toISOString()): ManifestInput {
  const manifest = structuredClone(manifestFixture);
  manifest.carrier.id = carrier;
  manifest.transport.voyage = `TWS${randomInt(100_000, 999_999)}E`;
  manifest.arrivedAt = arrivedAt;
  manifest.lines = refs.map((ref, index) => ({
    ...(manifestFixture.lines[index % manifestFixture.lines.length] as ManifestInput['lines'][number]),
    transportDocument: { type: 'N705', ref },
  }));
  // The fixture's UCR belongs to its own second line only.
  for (const line of manifest.lines) delete line.ucr;
  return manifest;
}

/** A declaration for these goods: its transport document, the manifest's first line's gross mass unless told. */
function declarationOf(party: string, ref: string, change: (declaration: DeclarationInput) => void = () => {}): DeclarationInput {
  return declarationFor(party, (declaration) => {
    declaration.consignment.transportDocument = { type: 'N705', ref };
    declaration.consignment.grossMassKg = manifestFixture.lines[0]?.grossMassKg ?? '2100';
    change(declaration);
  });
}

async function submit(token: string, declaration: DeclarationInput): Promise<string> {
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token, body: declaration });
  expect(response.status).toBe(202);
  return response.body.id;
}

const settledIn = (id: string, token: string, statuses: readonly string[]) =>
  eventually(
    async () => {
      const response = await api<View>('GET', `/v1/declarations/${id}`, { token });
      return statuses.includes(response.body.status) ? response.body : undefined;
    },
    { timeoutMs: 20_000 },
  );

describe('cargo reports', () => {
  it('processes a declaration lodged before arrival, keeps it waiting, and releases it when the carrier reports arrival', async () => {
    // Prepare
    const trader = newParty();
    const token = cloud.mintToken({ role: 'trader', party: trader });
    const carrier = newParty();
    const carrierToken = cloud.mintToken({ role: 'carrier', party: carrier });
    const ref = newRef();
    const id = await submit(
      token,
      declarationOf(trader, ref, (declaration) => Object.assign(declaration, { additionalType: 'D' })),
    );
    const waiting = await settledIn(id, token, ['ARRIVAL_PENDING', 'RELEASED', 'UNDER_REVIEW']);

    // Act
    const reported = await api<{ id: string; continued: number }>('POST', '/v1/manifests', {
      token: carrierToken,
      body: manifestOf(carrier, [ref]),
    });
    const released = await settledIn(id, token, ['RELEASED', 'UNDER_REVIEW']);
    const asCarrier = await api<ManifestView>('GET', `/v1/manifests/${reported.body.id}`, { token: carrierToken });
    const asOfficer = await api<ManifestView>('GET', `/v1/manifests/${reported.body.id}`, { token: officer });

    // Assess
    expect(waiting.status).toBe('ARRIVAL_PENDING');
    expect(waiting.assessment).not.toBeNull();
    expect(reported.status).toBe(201);
    expect(reported.body.continued).toBe(1);
    expect(released).toMatchObject({ status: 'RELEASED', arrival: { manifestId: reported.body.id, line: 1, discharged: true } });
    expect(asCarrier.body.lines[0]?.dischargedBy).toMatchObject({ declarationId: null });
    expect(asOfficer.body.lines[0]?.dischargedBy).toMatchObject({ declarationId: id });
  });

  it('matches a declaration to a manifest reported first, and shows a gross mass off by more than the tolerance as a risk fact', async () => {
    // Prepare
    const trader = newParty();
    const token = cloud.mintToken({ role: 'trader', party: trader });
    const carrier = newParty();
    const ref = newRef();
    const reported = await api('POST', '/v1/manifests', {
      token: cloud.mintToken({ role: 'carrier', party: carrier }),
      body: manifestOf(carrier, [ref]),
    });
    expect(reported.status).toBe(201);

    // Act: 2,100 kg reported, 2,600 declared (23.81% off; 5% tolerated)
    const id = await submit(
      token,
      declarationOf(trader, ref, (declaration) => Object.assign(declaration.consignment, { grossMassKg: '2600' })),
    );
    await settledIn(id, token, ['RELEASED', 'UNDER_REVIEW', 'ARRIVAL_PENDING', 'REJECTED']);
    const view = await api<View>('GET', `/v1/declarations/${id}`, { token: officer });

    // Assess
    expect(view.body.status).toBe('UNDER_REVIEW');
    expect(view.body.lane).toBe('YELLOW');
    expect(view.body.arrival).toMatchObject({ line: 1, discharged: true });
    expect(view.body.risk?.reasons.filter((reason) => reason.kind === 'CARGO').map((reason) => reason.text)).toEqual([
      expect.stringMatching(
        /^GROSS_MASS_MISMATCH: declared gross mass 2600 kg, the carrier reported 2100 kg on line 1 of manifest .* \(23\.81% off; 5% tolerated\)$/,
      ),
    ]);
  });

  it('lets one declaration discharge a line: the second declaring the same goods goes to an officer', async () => {
    // Prepare
    const carrier = newParty();
    const ref = newRef();
    await api('POST', '/v1/manifests', { token: cloud.mintToken({ role: 'carrier', party: carrier }), body: manifestOf(carrier, [ref]) });
    const first = newParty();
    const second = newParty();

    // Act
    const firstId = await submit(cloud.mintToken({ role: 'trader', party: first }), declarationOf(first, ref));
    await settledIn(firstId, officer, ['RELEASED', 'UNDER_REVIEW']);
    const secondId = await submit(cloud.mintToken({ role: 'trader', party: second }), declarationOf(second, ref));
    const secondView = await settledIn(secondId, officer, ['RELEASED', 'UNDER_REVIEW']);

    // Assess
    expect(secondView).toMatchObject({ status: 'UNDER_REVIEW', arrival: { discharged: false } });
    expect(secondView.risk?.reasons.find((reason) => reason.kind === 'CARGO')?.text).toMatch(
      new RegExp(`^LINE_ALREADY_DISCHARGED: line 1 of manifest ${carrier}-.* was discharged by declaration ${firstId} at `),
    );
  });

  it('takes a manifest once: the same bytes again get the same receipt, other content or a document reported elsewhere a conflict', async () => {
    // Prepare
    const carrier = newParty();
    const token = cloud.mintToken({ role: 'carrier', party: carrier });
    const manifest = manifestOf(carrier, [newRef(), newRef()]);
    const first = await api<{ id: string }>('POST', '/v1/manifests', { token, body: manifest });

    // Act
    const again = await api<{ id: string }>('POST', '/v1/manifests', { token, body: manifest });
    const changed = await api<{ problems: { code: string }[] }>('POST', '/v1/manifests', {
      token,
      body: { ...manifest, lines: manifest.lines.slice(0, 1) },
    });
    const otherVoyage = { ...manifestOf(carrier, [newRef()]), lines: [...manifest.lines.slice(1)] };
    const elsewhere = await api<{ problems: { code: string; pointer: string }[] }>('POST', '/v1/manifests', { token, body: otherVoyage });
    const notStored = await api('GET', `/v1/manifests/${manifestIdOf(otherVoyage)}`, { token });

    // Assess
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(changed.status).toBe(409);
    expect(changed.body.problems[0]?.code).toBe('MANIFEST_ALREADY_REPORTED');
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.problems[0]).toMatchObject({
      code: 'TRANSPORT_DOCUMENT_ALREADY_REPORTED',
      pointer: '/lines/0/transportDocument',
    });
    expect(notStored.status).toBe(404);
  });

  it('shows a carrier its own manifests only, and refuses a manifest for another carrier', async () => {
    // Prepare
    const carrier = newParty();
    const other = cloud.mintToken({ role: 'carrier', party: newParty() });
    const reported = await api<{ id: string }>('POST', '/v1/manifests', {
      token: cloud.mintToken({ role: 'carrier', party: carrier }),
      body: manifestOf(carrier, [newRef()]),
    });

    // Act
    const read = await api('GET', `/v1/manifests/${reported.body.id}`, { token: other });
    const forAnother = await api<{ problems: { code: string }[] }>('POST', '/v1/manifests', {
      token: other,
      body: manifestOf(carrier, [newRef()]),
    });

    // Assess
    expect(read.status).toBe(404);
    expect(forAnother.status).toBe(403);
    expect(forAnother.body.problems[0]?.code).toBe('CARRIER_MISMATCH');
  });

  it("lists for officers the goods not declared within the region's limit after arrival, until a declaration discharges them", async () => {
    // Prepare: arrived 15 days ago (eu-west-2 lists them after 14)
    const carrier = newParty();
    const [late, declared] = [newRef(), newRef()];
    const arrivedAt = new Date(Date.now() - 15 * 86_400_000).toISOString();
    const manifest = manifestOf(carrier, [late, declared], arrivedAt);
    manifest.office = 'GBSOU';
    await api('POST', '/v1/manifests', { token: cloud.mintToken({ role: 'carrier', party: carrier }), body: manifest });
    const trader = newParty();
    const token = cloud.mintToken({ role: 'trader', party: trader });

    // Act
    const before = await api<{ items: { transportDocument: { ref: string } }[] }>('GET', '/v1/review/undeclared-goods?office=GBSOU', {
      token: officer,
    });
    const id = await submit(token, declarationOf(trader, declared));
    await settledIn(id, token, ['RELEASED', 'UNDER_REVIEW']);
    const after = await api<{ items: { transportDocument: { ref: string } }[] }>('GET', '/v1/review/undeclared-goods?office=GBSOU', {
      token: officer,
    });

    // Assess
    expect(before.body.items.map((item) => item.transportDocument.ref)).toEqual([late, declared]);
    expect(after.body.items.map((item) => item.transportDocument.ref)).toEqual([late]);
  });
});
