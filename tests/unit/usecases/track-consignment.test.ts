/**
 * One UCR to track a consignment (shared/usecases/track-consignment.ts) on the fakes: a carrier's
 * manifest with a line naming the UCR and one naming none, three declarations under the UCR (one
 * amended, one citing a plant health permit, one of another declarant discharging the line that
 * names no UCR), and what each party sees of them; everyone else the same 404 as for a UCR nothing names.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPermitRules, plantHealthAgency } from '#demo/permit-rules-seed.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { ManifestInput } from '#shared/domain/cargo-reports.ts';
import type { ConsignmentView } from '#shared/domain/consignments.ts';
import { permitRulesSchema } from '#shared/domain/permits.ts';
import { InMemoryNotificationQueue } from '#shared/ports/fakes/notification-queue.ts';
import { amendDeclaration } from '#shared/usecases/amend-declaration.ts';
import { submitManifest } from '#shared/usecases/cargo-reports.ts';
import { applyForPermit, decidePermit } from '#shared/usecases/manage-permits.ts';
import { trackConsignment } from '#shared/usecases/track-consignment.ts';
import { newParty } from '#tests/integration/support.ts';
import { demoReferenceDocuments, type FakePlatform, fakePlatform, loadDocument, region } from '#tests/support/fake-platform.ts';
import { daysFrom, tomatoes, tomatoesApplication } from '#tests/support/permits.ts';
import { refusal } from '#tests/support/scenarios.ts';

const manifestFixture = (): ManifestInput =>
  JSON.parse(readFileSync(new URL('../../fixtures/manifests/consignment-manifest.json', import.meta.url), 'utf8')) as ManifestInput;

const trader = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });
const carrierOf = (party: string): Principal => ({ subject: `carrier-${party}`, roles: ['carrier'], partyId: party });
const officer: Principal = { subject: 'officer-1', roles: ['officer'], partyId: undefined };
const agency: Principal = { subject: 'inspector-1', roles: ['agency'], partyId: undefined, agencyId: plantHealthAgency };
const otherAgency: Principal = { subject: 'cites-1', roles: ['agency'], partyId: undefined, agencyId: 'GB-CITES' };

const ucr = `6GB${Date.now() % 1_000_000}-CONS1`;
const owner = newParty();
const otherDeclarant = newParty();
const carrier = newParty();
let platform: FakePlatform;
/** The owner's amended declaration (discharges the line naming the UCR), its permit declaration, the other declarant's. */
let amended = '';
let citing = '';
let others = '';
let permitId = '';
let track: (principal: Principal, asked?: string) => Promise<ConsignmentView>;

beforeAll(async () => {
  const documents = await demoReferenceDocuments();
  await loadDocument(documents, 'permitRules', permitRulesSchema.parse(demoPermitRules));
  platform = await fakePlatform({ documents });
  const now = platform.clock.now().toISOString();
  const manifest = manifestFixture();
  manifest.carrier.id = carrier;
  manifest.arrivedAt = now;
  manifest.lines[0]!.ucr = ucr;
  const [lineWithUcr, lineWithout] = manifest.lines.map((line) => line.transportDocument);
  await submitManifest(
    { principal: carrierOf(carrier), body: Buffer.from(JSON.stringify(manifest)) },
    { cargo: platform.cargo, releaseQueue: platform.queues.release, clock: platform.clock, customsOffices: region.customsOffices },
  );
  const permitDeps = {
    permits: platform.permits,
    rules: async () => permitRulesSchema.parse(demoPermitRules),
    clock: platform.clock,
    notifications: new InMemoryNotificationQueue(),
  };
  permitId = (await applyForPermit({ principal: trader(owner), input: tomatoesApplication() }, permitDeps)).id;
  const today = now.slice(0, 10);
  await decidePermit(
    {
      principal: agency,
      id: permitId,
      input: { decision: 'APPROVE', quantity: { value: '100', unit: 'KGM' }, validFrom: today, validUntil: daysFrom(today, 29) },
    },
    permitDeps,
  );
  const first = platform.declaration(owner, (d) => {
    d.consignment.ucr = ucr;
    d.consignment.transportDocument = lineWithUcr!;
  });
  amended = await platform.submit(first);
  await amendDeclaration(
    {
      principal: trader(owner),
      id: amended,
      expectedVersion: 1,
      body: Buffer.from(
        JSON.stringify({ ...first, items: first.items.map((item) => ({ ...item, description: `${item.description} (amended)` })) }),
      ),
    },
    platform.deps.amend,
  );
  citing = await platform.submit(
    platform.declaration(owner, (d) => {
      d.consignment.ucr = ucr;
      tomatoes(permitId)(d);
    }),
  );
  others = await platform.submit(
    platform.declaration(otherDeclarant, (d) => {
      d.consignment.ucr = ucr;
      d.consignment.transportDocument = lineWithout!;
      d.consignment.grossMassKg = '2300';
    }),
  );
  await platform.runThrough('release');
  track = (principal, asked = ucr) =>
    trackConsignment({ principal, ucr: asked }, { repository: platform.repository, cargo: platform.cargo });
});

const idsOf = (view: ConsignmentView) =>
  view.declarations.map((declaration) => (declaration.visibility === 'full' ? declaration.id : null));

describe('trackConsignment', () => {
  it('shows officers the whole chain: both lines, every declaration with its amendments and permits, and a timeline with times', async () => {
    // Act
    const view = await track(officer);

    // Assess
    const states = await Promise.all([amended, citing, others].map((id) => platform.repository.getState(id)));
    expect(idsOf(view)).toEqual([amended, citing, others]);
    expect(view.manifestLines.map((line) => [line.line, line.dischargedBy?.declarationId])).toEqual([
      [1, amended],
      [2, others],
    ]);
    const first = view.declarations[0];
    expect(first).toMatchObject({ visibility: 'full', amendment: 1, arrival: expect.objectContaining({ line: 1, discharged: true }) });
    expect(view.declarations[1]).toMatchObject({
      permits: [expect.objectContaining({ permitId, agencyId: plantHealthAgency, quantity: '7.5', drawnAt: states[1]?.permitsDrawnAt })],
    });
    const events = view.timeline.map((entry) => `${entry.event}:${entry.declarationId ?? entry.manifestId}`);
    expect(events).toEqual(
      expect.arrayContaining([
        `SUBMITTED:${amended}`,
        `AMENDED:${amended}`,
        `ARRIVED:${view.manifestLines[0]?.manifestId}`,
        `DISCHARGED:${amended}`,
        `PERMIT_DRAWN:${citing}`,
        `SUBMITTED:${others}`,
      ]),
    );
    // Every status change the history holds, in order of time.
    const history = await platform.repository.listEvents(amended);
    expect(view.timeline.filter((entry) => entry.declarationId === amended && entry.event !== 'DISCHARGED').map((e) => e.status)).toEqual(
      history.map((event) => event.status),
    );
    expect(view.timeline.map((entry) => entry.at)).toEqual(view.timeline.map((entry) => entry.at).sort());
  });

  it("shows the declarant its own declarations and the line they discharged, never another party's", async () => {
    // Act
    const [asOwner, asOtherDeclarant] = await Promise.all([track(trader(owner)), track(trader(otherDeclarant))]);

    // Assess
    expect(idsOf(asOwner)).toEqual([amended, citing]);
    expect(asOwner.manifestLines.map((line) => [line.line, line.dischargedBy?.declarationId])).toEqual([[1, amended]]);
    expect(asOwner.timeline.some((entry) => entry.declarationId === others)).toBe(false);
    expect(idsOf(asOtherDeclarant)).toEqual([others]);
    expect(asOtherDeclarant.manifestLines.map((line) => [line.line, line.dischargedBy?.declarationId])).toEqual([[2, others]]);
  });

  it('shows the carrier its line naming the UCR and, of each declaration, only when it was declared and released', async () => {
    // Act
    const view = await track(carrierOf(carrier));

    // Assess
    const states = await Promise.all([amended, citing, others].map((id) => platform.repository.getState(id)));
    expect(view.manifestLines).toEqual([
      expect.objectContaining({ line: 1, ucr, dischargedBy: { declarationId: null, at: expect.any(String) } }),
    ]);
    expect(view.declarations).toEqual(
      states.map((state) => ({ visibility: 'declared', submittedAt: state?.submittedAt, releasedAt: state?.releasedAt ?? null })),
    );
    expect(view.timeline.every((entry) => entry.declarationId === null && entry.detail === null)).toBe(true);
    expect(new Set(view.timeline.map((entry) => entry.event))).toEqual(
      new Set(['ARRIVED', 'DISCHARGED', 'SUBMITTED', ...(states.some((state) => state?.releasedAt) ? ['RELEASED'] : [])]),
    );
  });

  it('shows an agency user only the declarations citing its permits, and no lines', async () => {
    // Act
    const view = await track(agency);
    const other = await refusal(track(otherAgency));

    // Assess
    expect(idsOf(view)).toEqual([citing]);
    expect(view.manifestLines).toEqual([]);
    expect(other).toMatchObject({ kind: 'NOT_FOUND', code: 'CONSIGNMENT_NOT_FOUND' });
  });

  it('answers another trader, another carrier and a UCR nothing names with the same 404', async () => {
    // Act
    const answers = await Promise.all([
      refusal(track(trader(newParty()))),
      refusal(track(carrierOf(newParty()))),
      refusal(track(officer, `${ucr}X`)),
    ]);

    // Assess
    const [stranger, otherCarrier, unknown] = answers.map((answer) => ({ ...answer, message: answer.message.replace(`${ucr}X`, ucr) }));
    expect(stranger).toMatchObject({ kind: 'NOT_FOUND', code: 'CONSIGNMENT_NOT_FOUND' });
    expect(otherCarrier).toEqual(stranger);
    expect(unknown).toEqual(stranger);
  });

  it('refuses a caller with no platform role', async () => {
    // Act
    const refused = await refusal(track({ subject: 'nobody', roles: [], partyId: undefined }));

    // Assess
    expect(refused).toMatchObject({ kind: 'FORBIDDEN', code: 'ROLE_REQUIRED' });
  });
});
