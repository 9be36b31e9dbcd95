/**
 * One UCR to track a consignment against the local cloud (docs/single-window.md): a carrier's
 * manifest line naming the UCR, a pre-lodged declaration amended while it waits for its goods and
 * released when they arrive, another declaration under the same UCR citing a plant health permit;
 * customs see the whole chain with times, the declarant its own, the carrier its line and that the
 * goods were declared and released, the agency the declaration citing its permit; anyone else,
 * and a UCR nothing names, get 404. A declaration lodged after the manifest discharges its line that
 * names no UCR: that line is found through the declaration.
 */
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citesAgency } from '#demo/permit-rules-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { ManifestInput } from '#shared/domain/cargo-reports.ts';
import type { ConsignmentView } from '#shared/domain/consignments.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { daysFrom, tomatoes, tomatoesApplication } from '#tests/support/permits.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];

const owner = newParty();
const carrier = newParty();
/** With a `/` (a UCR may have one): sent percent-encoded in the path. */
const ucr = `6${owner}-C/${randomInt(100_000, 999_999)}`;
const ref = `CONS-${randomInt(1_000_000, 9_999_999)}`;
/** The manifest's other line: it names no UCR; a declaration lodged after the manifest discharges it. */
const otherRef = `CONS-${randomInt(1_000_000, 9_999_999)}`;
let ownerToken = '';
/** The pre-lodged declaration amended while it waited, then released on arrival; and the one citing the permit. */
let amended = '';
let citing = '';
let latecomer = '';
let permitId = '';

const manifestFixture = JSON.parse(
  readFileSync(new URL('../fixtures/manifests/consignment-manifest.json', import.meta.url), 'utf8'),
) as ManifestInput;

async function statusOf(id: string, wanted: string): Promise<{ version: number }> {
  return eventually(async () => {
    const view = await api<{ status: string; version: number }>('GET', `/v1/declarations/${id}`, { token: ownerToken });
    return view.body.status === wanted ? view.body : undefined;
  });
}

const consignment = (token: string, asked = ucr) => api<ConsignmentView>('GET', `/v1/consignments/${encodeURIComponent(asked)}`, { token });

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  ownerToken = cloud.mintToken({ role: 'trader', party: owner });
  const loaded = await api('PUT', '/v1/admin/reference-documents/risk-settings', {
    token: cloud.mintToken({ role: 'admin' }),
    body: noRandomSelection,
  });
  expect(loaded.status).toBe(200);

  // The owner's plant health permit, approved by the demo agency.
  const applied = await api<{ id: string }>('POST', '/v1/permits', { token: ownerToken, body: tomatoesApplication() });
  permitId = applied.body.id;
  const today = new Date().toISOString().slice(0, 10);
  const decided = await api('POST', `/v1/permits/${permitId}/decision`, {
    token: cloud.mintToken({ role: 'agency' }),
    body: { decision: 'APPROVE', quantity: { value: '100', unit: 'KGM' }, validFrom: today, validUntil: daysFrom(today, 29) },
  });
  expect(decided.status).toBe(200);

  // Lodged before the goods arrive (DE 1/2 D): it waits, and is amended meanwhile.
  const preLodged = (change: (d: DeclarationInput) => void = () => {}) =>
    declarationFor(owner, (d) => {
      d.additionalType = 'D';
      d.consignment.ucr = ucr;
      d.consignment.transportDocument = { type: 'N741', ref };
      change(d);
    });
  const first = preLodged();
  const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: ownerToken, body: first });
  expect(submitted.status).toBe(202);
  amended = submitted.body.id;
  const waiting = await statusOf(amended, 'ARRIVAL_PENDING');
  const corrected = { ...first, items: first.items.map((item) => ({ ...item, description: `${item.description} (corrected)` })) };
  const amendment = await api('PUT', `/v1/declarations/${amended}`, {
    token: ownerToken,
    body: corrected,
    headers: { 'if-match': `"${waiting.version}"` },
  });
  expect(amendment.status).toBe(202);
  await eventually(async () => {
    const view = await api<{ status: string; amendment: number }>('GET', `/v1/declarations/${amended}`, { token: ownerToken });
    return view.body.status === 'ARRIVAL_PENDING' && view.body.amendment === 1 ? true : undefined;
  });

  // Another declaration of the consignment, citing the permit: released at once.
  const other = await api<{ id: string }>('POST', '/v1/declarations', {
    token: ownerToken,
    body: declarationFor(owner, (d) => {
      d.consignment.ucr = ucr;
      tomatoes(permitId)(d);
    }),
  });
  citing = other.body.id;
  await statusOf(citing, 'RELEASED');

  // The carrier reports the goods: the waiting declaration discharges the line and is released.
  const manifest = structuredClone(manifestFixture);
  manifest.carrier.id = carrier;
  manifest.transport.voyage = `TW${randomInt(100_000, 999_999)}`;
  manifest.arrivedAt = new Date().toISOString();
  const [named, unnamed] = manifestFixture.lines as [ManifestInput['lines'][number], ManifestInput['lines'][number]];
  manifest.lines = [
    { ...named, transportDocument: { type: 'N741', ref }, ucr },
    { ...unnamed, transportDocument: { type: 'N741', ref: otherRef } },
  ];
  const reported = await api('POST', '/v1/manifests', { token: cloud.mintToken({ role: 'carrier', party: carrier }), body: manifest });
  expect(reported.status).toBe(201);
  await statusOf(amended, 'RELEASED');

  // Declared after the goods arrived, under the UCR, for the line that names none: it discharges that line.
  const late = await api<{ id: string }>('POST', '/v1/declarations', {
    token: ownerToken,
    body: declarationFor(owner, (d) => {
      d.consignment.ucr = ucr;
      d.consignment.transportDocument = { type: 'N741', ref: otherRef };
      d.consignment.grossMassKg = unnamed.grossMassKg;
    }),
  });
  latecomer = late.body.id;
  await statusOf(latecomer, 'RELEASED');
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

const fullIds = (view: ConsignmentView) =>
  view.declarations.flatMap((declaration) => (declaration.visibility === 'full' ? [declaration.id] : []));

describe('GET /v1/consignments/{ucr}', () => {
  it('shows an officer the whole chain with times: the line, both declarations, the amendment, the permit drawn, the releases', async () => {
    // Act
    const response = await consignment(cloud.mintToken({ role: 'officer' }));

    // Assess
    expect(response.status).toBe(200);
    const view = response.body;
    expect(fullIds(view)).toEqual([amended, citing, latecomer]);
    expect(view.manifestLines).toEqual([
      expect.objectContaining({
        ucr,
        carrierId: carrier,
        transportDocument: { type: 'N741', ref },
        dischargedBy: { declarationId: amended, at: expect.any(String) },
      }),
      // Found through the declaration that discharged it, not the UCR's index.
      expect.objectContaining({
        transportDocument: { type: 'N741', ref: otherRef },
        dischargedBy: { declarationId: latecomer, at: expect.any(String) },
      }),
    ]);
    expect(view.declarations[0]).toMatchObject({
      status: 'RELEASED',
      amendment: 1,
      arrival: expect.objectContaining({ discharged: true }),
    });
    expect(view.declarations[1]).toMatchObject({
      status: 'RELEASED',
      permits: [expect.objectContaining({ permitId, drawnAt: expect.any(String) })],
    });
    const kinds = view.timeline.map((entry) => `${entry.event}:${entry.declarationId ?? entry.manifestId}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        `SUBMITTED:${amended}`,
        `ARRIVAL_PENDING:${amended}`,
        `AMENDED:${amended}`,
        `RELEASED:${amended}`,
        `ARRIVED:${view.manifestLines[0]?.manifestId}`,
        `DISCHARGED:${amended}`,
        `SUBMITTED:${citing}`,
        `PERMIT_DRAWN:${citing}`,
        `RELEASED:${citing}`,
      ]),
    );
    // Amended after it was first lodged, released after the goods arrived: the timeline is in order of time.
    expect(kinds.indexOf(`AMENDED:${amended}`)).toBeGreaterThan(kinds.indexOf(`SUBMITTED:${amended}`));
    expect(view.timeline.map((entry) => entry.at)).toEqual(view.timeline.map((entry) => entry.at).sort());
  });

  it('shows the declarant its own declarations and the line they discharged; another trader gets 404', async () => {
    // Act
    const own = await consignment(ownerToken);
    const stranger = await consignment(cloud.mintToken({ role: 'trader', party: newParty() }));

    // Assess
    expect(own.status).toBe(200);
    expect(fullIds(own.body)).toEqual([amended, citing, latecomer]);
    expect(own.body.manifestLines.map((line) => line.dischargedBy?.declarationId)).toEqual([amended, latecomer]);
    expect(stranger.status).toBe(404);
  });

  it('shows the carrier its line and, of each declaration, only when it was declared and released', async () => {
    // Act
    const response = await consignment(cloud.mintToken({ role: 'carrier', party: carrier }));
    const otherCarrier = await consignment(cloud.mintToken({ role: 'carrier', party: newParty() }));

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.manifestLines).toEqual([
      expect.objectContaining({ ucr, dischargedBy: { declarationId: null, at: expect.any(String) } }),
    ]);
    // Its line only (the other names no UCR); every declaration only as declared and released, with times.
    expect(response.body.declarations).toEqual(
      [amended, citing, latecomer].map(() => ({ visibility: 'declared', submittedAt: expect.any(String), releasedAt: expect.any(String) })),
    );
    expect(JSON.stringify(response.body)).not.toContain(amended);
    expect(JSON.stringify(response.body)).not.toContain(citing);
    expect(otherCarrier.status).toBe(404);
  });

  it('shows the plant health agency only the declaration citing its permit; another agency gets 404', async () => {
    // Act
    const response = await consignment(cloud.mintToken({ role: 'agency' }));
    const otherAgency = await consignment(cloud.mintToken({ role: 'agency', agency: citesAgency }));

    // Assess
    expect(response.status).toBe(200);
    expect(fullIds(response.body)).toEqual([citing]);
    expect(response.body.manifestLines).toEqual([]);
    expect(otherAgency.status).toBe(404);
  });

  it('answers 404 for a UCR nothing names, and 400 for one that is not a UCR', async () => {
    // Act
    const unknown = await consignment(cloud.mintToken({ role: 'officer' }), `6${newParty()}-NONE`);
    const malformed = await consignment(cloud.mintToken({ role: 'officer' }), 'not-a-ucr');

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ problems: [expect.objectContaining({ code: 'CONSIGNMENT_NOT_FOUND' })] });
    expect(malformed.status).toBe(400);
  });
});
