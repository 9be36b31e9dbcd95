/**
 * Amendments (shared/usecases/amend-declaration.ts) on the fakes: a declaration under review
 * amended with If-Match leaves the queue, goes through the pipeline again with the new body and
 * keeps its earlier body and outcomes readable; the refusals; a repeat changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { DomainError } from '#shared/domain/problems.ts';
import { amendDeclaration } from '#shared/usecases/amend-declaration.ts';
import { registerSigningKey } from '#shared/usecases/manage-signing-keys.ts';
import { getDeclarationAmendment, listDeclarationEvents } from '#shared/usecases/read-declarations.ts';
import { listReviewQueue } from '#shared/usecases/review-queue.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform, region } from '#tests/support/fake-platform.ts';
import { ferroSilicon, refusal } from '#tests/support/scenarios.ts';
import { newSigner, signDetached } from '#tests/support/signing.ts';

const officer: Principal = { subject: 'officer-a', roles: ['officer'], partyId: undefined };
const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });

async function underReview() {
  const platform = await fakePlatform();
  const party = newParty();
  // Import VAT postponed and no duty on ferro-silicon: nothing is booked, so it may be amended
  // (one with duties drawn or asked for may not: docs/revenue.md).
  const input = platform.declaration(party, (d) => {
    ferroSilicon(d);
    d.payment = { ...d.payment, method: 'E', postponedVat: true };
  });
  const id = await platform.submit(input);
  await platform.runThrough('release');
  const deps = platform.deps.amend;
  return { ...platform, party, input, id, deps };
}

const bytesOf = (input: DeclarationInput) => Buffer.from(JSON.stringify(input));

describe('amendDeclaration', () => {
  it('takes a declaration out of the review queue and through the pipeline again with the new body; the earlier one stays readable', async () => {
    // Prepare: the trader corrects the goods to shaver parts (8510 90 00 00), which no profile selects
    const { id, deps, party, input, record, repository, runThrough } = await underReview();
    const before = await record(id);
    const corrected: DeclarationInput = {
      ...input,
      items: [{ ...input.items[0]!, commodityCode: '8510900000', description: 'Parts of electric shavers' }],
    };

    // Act
    const receipt = await amendDeclaration(
      { principal: traderOf(party), id, expectedVersion: before.version, body: bytesOf(corrected) },
      deps,
    );
    const queueAfter = await listReviewQueue(
      { principal: officer, limit: 100 },
      { repository, customsOffices: region.customsOffices, clock: deps.clock },
    );
    await runThrough('release');
    const after = await record(id);
    const original = await getDeclarationAmendment({ principal: traderOf(party), id, amendment: 0 }, { repository });
    const history = await listDeclarationEvents({ principal: traderOf(party), id }, { repository });

    // Assess
    expect(receipt).toMatchObject({ id, status: 'SUBMITTED', amendment: 1 });
    expect(queueAfter.items.map((item) => item.id)).not.toContain(id);
    expect(after.amendment).toBe(1);
    expect(after.declaration.items[0]?.commodityCode).toBe('8510900000');
    expect(after.lane).not.toBe('RED');
    expect(after.submittedAt).toBe(before.submittedAt); // the moment of acceptance stays
    expect(original).toMatchObject({ amendment: 0, status: 'UNDER_REVIEW', lane: 'RED' });
    expect(original.declaration?.items[0]?.commodityCode).toBe('7202210000');
    expect(original.assessment).toEqual(before.assessment ?? null);
    expect(history.items.map((event) => event.type)).toEqual([
      'SUBMITTED',
      'VALIDATED',
      'SCORED',
      'ASSESSED',
      'UNDER_REVIEW',
      'AMENDED',
      'VALIDATED',
      'SCORED',
      'ASSESSED',
      after.status === 'RELEASED' ? 'RELEASED' : 'UNDER_REVIEW',
    ]);
  });

  it('changes nothing when the same amendment is sent again, and hands it on again', async () => {
    // Prepare
    const { id, deps, party, input, record, repository, queues } = await underReview();
    const version = (await record(id)).version;
    const body = bytesOf({ ...input, items: [{ ...input.items[0]!, netMassKg: '1999' }] });
    const first = await amendDeclaration({ principal: traderOf(party), id, expectedVersion: version, body }, deps);
    queues.validation.sent.splice(0);

    // Act
    const again = await amendDeclaration({ principal: traderOf(party), id, expectedVersion: version, body }, deps);

    // Assess
    expect(again).toEqual(first);
    expect((await repository.listEvents(id)).filter((event) => event.type === 'AMENDED')).toHaveLength(1);
    expect(queues.validation.sent).toEqual([{ declarationId: id, version: version + 1 }]);
  });

  it('refuses one of two amendments sent at once with the same If-Match (412) without touching the bytes archived for the other', async () => {
    // Prepare: two amendments that differ in the net mass
    const { id, deps, party, input, record, archive } = await underReview();
    const version = (await record(id)).version;
    const bodies = ['1999', '1998'].map((netMassKg) => bytesOf({ ...input, items: [{ ...input.items[0]!, netMassKg }] }));

    // Act: both at once (on the fakes they run in step: both read, both archive, then both write)
    const outcomes = await Promise.allSettled(
      bodies.map((body) => amendDeclaration({ principal: traderOf(party), id, expectedVersion: version, body }, deps)),
    );
    const after = await record(id);

    // Assess
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected')!.reason;
    expect(refused).toMatchObject({ kind: 'PRECONDITION_FAILED' });
    const accepted = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
    expect(after.declaration.items[0]?.netMassKg).toBe(accepted === 0 ? '1999' : '1998');
    // Each archived name holds one body: the refused one replaced nothing.
    expect([...archive.objects.values()].map((versions) => versions.length)).not.toContain(2);
  });

  it('refuses without If-Match (428), with a stale one (412), another LRN (400), another trader (404), and after release (409)', async () => {
    // Prepare
    const { id, deps, party, input, record, submit, declaration, runThrough } = await underReview();
    const version = (await record(id)).version;
    const releasedParty = newParty();
    const releasedInput = declaration(releasedParty);
    const released = await submit(releasedInput);
    await runThrough('release');
    const releasedVersion = (await record(released)).version;

    // Act
    const noIfMatch = await refusal(
      amendDeclaration({ principal: traderOf(party), id, expectedVersion: undefined, body: bytesOf(input) }, deps),
    );
    const stale = await refusal(
      amendDeclaration({ principal: traderOf(party), id, expectedVersion: version - 1, body: bytesOf(input) }, deps),
    );
    const otherLrn = await refusal(
      amendDeclaration({ principal: traderOf(party), id, expectedVersion: version, body: bytesOf({ ...input, lrn: 'OTHER-1' }) }, deps),
    );
    const otherUcr = await refusal(
      amendDeclaration(
        {
          principal: traderOf(party),
          id,
          expectedVersion: version,
          body: bytesOf({ ...input, consignment: { ...input.consignment, ucr: '6GB000000000000-OTHER' } }),
        },
        deps,
      ),
    );
    const otherTrader = await refusal(
      amendDeclaration({ principal: traderOf(newParty()), id, expectedVersion: version, body: bytesOf(input) }, deps),
    );
    const afterRelease = await refusal(
      amendDeclaration(
        { principal: traderOf(releasedParty), id: released, expectedVersion: releasedVersion, body: bytesOf(releasedInput) },
        deps,
      ),
    );

    // Assess
    expect(noIfMatch).toMatchObject({ kind: 'PRECONDITION_REQUIRED', code: 'IF_MATCH_REQUIRED' });
    expect(stale).toMatchObject({ kind: 'PRECONDITION_FAILED', code: 'STALE_VERSION' });
    expect(otherLrn).toMatchObject({ kind: 'BAD_REQUEST', code: 'LRN_MISMATCH' });
    expect(otherUcr).toMatchObject({ kind: 'BAD_REQUEST', code: 'UCR_MISMATCH', pointer: '/consignment/ucr' });
    expect(otherTrader).toMatchObject({ kind: 'NOT_FOUND', code: 'DECLARATION_NOT_FOUND' });
    expect(afterRelease).toMatchObject({ kind: 'CONFLICT', code: 'ALREADY_RELEASED' });
    expect((await record(id)).version).toBe(version);
  });
});

describe('amendDeclaration with a signature', () => {
  /** A declaration under review whose trader registered an ES256 key "key-1". */
  async function signingTrader() {
    const world = await underReview();
    const signer = await newSigner('ES256');
    await registerSigningKey(
      { principal: traderOf(world.party), input: { jwk: { ...signer.publicJwk, kid: 'key-1' } } },
      { keys: world.deps.signatures.keys, clock: world.clock },
    );
    const corrected: DeclarationInput = { ...world.input, items: [{ ...world.input.items[0]!, description: 'Ferro-silicon, lumps' }] };
    return { ...world, signer, corrected };
  }

  it('takes a signed amendment: its signature is archived beside the amended bytes, on the declaration and in the history', async () => {
    // Prepare
    const { id, deps, party, record, signer, corrected } = await signingTrader();
    const before = await record(id);
    const signature = await signDetached(corrected, signer, 'key-1');

    // Act
    const receipt = await amendDeclaration(
      { principal: traderOf(party), id, expectedVersion: before.version, body: bytesOf(corrected), signature },
      deps,
    );

    // Assess
    const after = await record(id);
    expect(receipt.amendment).toBe(1);
    expect(after.signature).toMatchObject({ kid: 'key-1', alg: 'ES256' });
    expect(after.signature?.archiveKey).toBe(archiveKeys.signature(id, after.signature?.sha256 ?? ''));
    const archived = JSON.parse(
      Buffer.from(await deps.archive.read({ key: after.signature!.archiveKey, sha256: after.signature!.sha256 })).toString('utf8'),
    ) as Record<string, unknown>;
    expect(archived).toMatchObject({
      declarationId: id,
      amendment: 1,
      kid: 'key-1',
      jws: signature,
      submittedSha256: after.submission.sha256,
    });
    const history = await deps.repository.listEvents(id);
    expect(history.at(-1)).toMatchObject({ type: 'AMENDED', detail: expect.stringContaining('signed with key key-1 (ES256)') });
  });

  it('refuses an amendment whose signature covers another body, and one unsigned where signatures are required; nothing changes', async () => {
    // Prepare: a signature over the body before the correction
    const { id, deps, party, input, record, signer, corrected } = await signingTrader();
    const before = await record(id);
    const objectsBefore = deps.archive.objects.size;
    const stale = await signDetached(input, signer, 'key-1');
    const amend = (signature: string | undefined, required: boolean) =>
      amendDeclaration(
        { principal: traderOf(party), id, expectedVersion: before.version, body: bytesOf(corrected), signature },
        { ...deps, signatures: { ...deps.signatures, required } },
      ).then(
        () => 'accepted',
        (error: unknown) => (error instanceof DomainError ? error.problems[0]?.code : String(error)),
      );

    // Act
    const wrongBody = await amend(stale, false);
    const unsigned = await amend(undefined, true);

    // Assess
    expect([wrongBody, unsigned]).toEqual(['SIGNATURE_INVALID', 'SIGNATURE_REQUIRED']);
    const after = await record(id);
    expect(after).toEqual(before);
    expect(deps.archive.objects.size).toBe(objectsBefore);
    expect(deps.validationQueue.sent.filter((message) => message.version > before.version)).toEqual([]);
  });
});
