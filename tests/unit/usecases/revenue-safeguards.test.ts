/**
 * The revenue module's safeguards on the fakes (docs/revenue.md): a declaration draws only on its
 * declarant's own account (and learns nothing of another's), a lower re-assessment credits at most
 * what was drawn, a release needs calculated duties (an inspection's re-assessment secures them),
 * an amendment is refused while duties are booked, and a callback pays only a charge still asked
 * for, for the amount asked.
 */
import { describe, expect, it } from 'vitest';
import { applyEntry, openAccount } from '#shared/domain/accounts.ts';
import type { Principal } from '#shared/domain/auth.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { signCallback } from '#shared/domain/payment-signature.ts';
import { amendDeclaration } from '#shared/usecases/amend-declaration.ts';
import { acceptPaymentCallback } from '#shared/usecases/payment-callbacks.ts';
import { recordInspection } from '#shared/usecases/record-inspection.ts';
import { claimDeclaration, decideOnDeclaration } from '#shared/usecases/review-decisions.ts';
import { newParty } from '#tests/integration/support.ts';
import { type FakePlatform, fakePlatform } from '#tests/support/fake-platform.ts';
import { ferroSiliconCif, refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-revenue', roles: ['officer'], partyId: undefined };
const simulatorSecret = Buffer.from('simulator-secret-for-tests-only-0123456789', 'utf8');

async function openCash(platform: FakePlatform, ownerId: string, balance: string): Promise<string> {
  const number = String(2_000_000 + Math.floor(Math.random() * 7_000_000));
  const opened = openAccount({ kind: 'CASH', number, ownerId, currency: 'GBP' }, platform.clock.now().toISOString(), 'test-admin');
  await platform.accounts.open(opened.account, opened.entry);
  const toppedUp = applyEntry(opened.account, {
    kind: 'TOP_UP',
    at: opened.account.openedAt,
    amount: balance,
    source: 'TOPUP#T1',
    by: 'test-admin',
  });
  if (!toppedUp.ok) throw new Error('top-up refused');
  await platform.accounts.post({ account: toppedUp.account, expectedVersion: 1, entry: toppedUp.entry });
  return number;
}

/** A RED-lane import (ferro-silicon, 1,000.00 VAT) of the party, through the release stage, claimed by the officer. */
async function underReview(platform: FakePlatform, party: string, change: (d: DeclarationInput) => void) {
  const id = await platform.submit(
    platform.declaration(party, (d) => {
      ferroSiliconCif(d);
      change(d);
    }),
  );
  await platform.runThrough('release');
  await claimDeclaration({ principal: officer, id }, platform.deps.review);
  return id;
}

const inspectionDeps = (platform: FakePlatform) => ({
  ...platform.deps.review,
  tariff: platform.deps.duty.tariff,
  region: platform.deps.duty.region,
  traders: platform.traders,
  profiles: platform.profiles,
});

function callback(reference: string, amount: string, currency: string, eventId: string, now: Date) {
  const body = Buffer.from(JSON.stringify({ eventId, type: 'payment.succeeded', reference, amount, currency }));
  return { provider: 'simulator', signature: signCallback(simulatorSecret, Math.floor(now.getTime() / 1000), body), body };
}

describe('the account a declaration draws on', () => {
  it("never draws on another party's account named as the importer's, and tells the declarant none of its figures", async () => {
    // Prepare: B holds a cash account with 5,000.00; A declares B as importer and names B's account.
    const platform = await fakePlatform();
    const [traderA, traderB] = [newParty(), newParty()];
    const accountOfB = await openCash(platform, traderB, '5000.00');
    const id = await platform.submit(
      platform.declaration(traderA, (d) => {
        d.importer.id = traderB;
        d.payment = { method: 'P', account: accountOfB, postponedVat: false };
      }),
    );

    // Act
    await platform.runThrough('release');

    // Assess
    const record = await platform.record(id);
    const charge = record.duties?.charges[0];
    expect((await platform.accounts.get(accountOfB))?.balance).toBe('5000.00');
    expect(record.duties).toMatchObject({ status: 'AWAITING_PAYMENT', charges: [{ status: 'PENDING', reference: `${id}-4` }] });
    expect(await platform.payments.get(charge?.reference ?? '')).toMatchObject({ status: 'PENDING' });
    expect(charge?.reason).toBe(`account ${accountOfB} cannot be drawn on by ${traderA}: ask its holder`);
    expect(JSON.stringify(record.duties)).not.toContain('5000');
  });
});

describe("an inspection's lower re-assessment", () => {
  it('credits the cash account no more than the declaration drew on it: nothing when its duties were only asked for', async () => {
    // Prepare: a cash account too small for the 1,000.00 due: the duties are asked for, nothing drawn.
    const platform = await fakePlatform();
    const party = newParty();
    const cash = await openCash(platform, party, '10.00');
    const id = await underReview(platform, party, (d) => {
      d.payment = { method: 'P', account: cash, postponedVat: false };
    });

    // Act: the goods are worth 4,000.00, not 5,000.00 (VAT 800.00: 200.00 less).
    const view = await recordInspection(
      {
        principal: officer,
        id,
        expectedVersion: undefined,
        inspection: {
          result: 'DISCREPANCY',
          findings: 'undervalued? no: overvalued',
          corrections: [{ itemIndex: 0, invoiceAmount: '4000.00' }],
        },
      },
      inspectionDeps(platform),
    );

    // Assess
    expect(view.inspection?.difference?.total).toBe('-200.00');
    expect((await platform.accounts.get(cash))?.balance).toBe('10.00');
    expect(view.duties?.charges.map((charge) => [charge.amount, charge.status, charge.account?.kind])).toEqual([
      ['1000.00', 'PENDING', undefined],
      ['-200.00', 'SECURED', undefined],
    ]);
    expect(view.duties?.charges[1]?.reason).toContain('to repay on a repayment claim');
  });

  it('credits back exactly the lower amount on the cash account it was drawn on', async () => {
    // Prepare
    const platform = await fakePlatform();
    const party = newParty();
    const cash = await openCash(platform, party, '1500.00');
    const id = await underReview(platform, party, (d) => {
      d.payment = { method: 'P', account: cash, postponedVat: false };
    });

    // Act
    const view = await recordInspection(
      {
        principal: officer,
        id,
        expectedVersion: undefined,
        inspection: { result: 'DISCREPANCY', findings: 'overvalued', corrections: [{ itemIndex: 0, invoiceAmount: '4000.00' }] },
      },
      inspectionDeps(platform),
    );

    // Assess: 1,500.00 - 1,000.00 + 200.00
    expect((await platform.accounts.get(cash))?.balance).toBe('700.00');
    expect(view.duties?.charges[1]).toMatchObject({ amount: '-200.00', status: 'SECURED', account: { number: cash, kind: 'CREDIT' } });
  });
});

describe('releasing an import whose duties could not be calculated', () => {
  it("is refused until an inspection's re-assessment secures the duties as the release stage would", async () => {
    // Prepare: biodiesel-coded ferro-silicon without the quantity its duty needs: no duties.
    const platform = await fakePlatform();
    const party = newParty();
    const id = await underReview(platform, party, (d) => {
      d.items[0] = { ...d.items[0]!, commodityCode: '7202118000', quantities: [] };
    });
    const unassessed = await platform.record(id);

    // Act
    const refused = await refusal(
      decideOnDeclaration({ principal: officer, id, expectedVersion: undefined, decision: { action: 'RELEASE' } }, platform.deps.review),
    );
    const inspected = await recordInspection(
      {
        principal: officer,
        id,
        expectedVersion: undefined,
        inspection: {
          result: 'DISCREPANCY',
          findings: 'ferro-silicon, 75 %',
          corrections: [{ itemIndex: 0, commodityCode: '7202210000' }],
        },
      },
      inspectionDeps(platform),
    );
    const released = await decideOnDeclaration(
      { principal: officer, id, expectedVersion: undefined, decision: { action: 'RELEASE' } },
      platform.deps.review,
    );

    // Assess
    expect(unassessed.duties).toBeUndefined();
    expect(refused).toMatchObject({ kind: 'CONFLICT', code: 'DUTIES_NOT_CALCULATED' });
    expect(inspected.duties).toMatchObject({
      status: 'SECURED',
      charges: [{ amount: inspected.reassessment?.totals.total, status: 'SECURED', account: { kind: 'CHARGE' } }],
    });
    expect(released.status).toBe('RELEASED');
  });
});

describe('amending a declaration with duties booked', () => {
  it('is refused (DUTIES_SECURED) and changes nothing', async () => {
    // Prepare: a RED-lane import whose 1,000.00 were drawn on its deferment account.
    const platform = await fakePlatform();
    const party = newParty();
    const id = await underReview(platform, party, () => {});
    const before = await platform.record(id);
    const amended = platform.declaration(party, ferroSiliconCif);
    amended.lrn = before.lrn;
    const principal: Principal = { subject: `trader-${party}`, roles: ['trader'], partyId: party };

    // Act
    const refused = await refusal(
      amendDeclaration({ principal, id, expectedVersion: before.version, body: Buffer.from(JSON.stringify(amended)) }, platform.deps.amend),
    );

    // Assess
    expect(before.duties?.charges).toHaveLength(1);
    expect(refused).toMatchObject({ kind: 'CONFLICT', code: 'DUTIES_SECURED' });
    expect(await platform.record(id)).toEqual(before);
  });
});

describe('a payment confirmation', () => {
  it('of the wrong amount or currency, correctly signed, is refused (PAYMENT_AMOUNT_MISMATCH) and changes nothing', async () => {
    // Prepare: paid immediately (H): 1,000.00 GBP asked for.
    const platform = await fakePlatform();
    const party = newParty();
    const id = await underReview(platform, party, (d) => {
      d.payment = { method: 'H', postponedVat: false };
    });
    const before = await platform.record(id);
    const reference = before.duties?.charges[0]?.reference ?? '';
    const now = platform.clock.now();

    // Act
    const wrongAmount = await refusal(acceptPaymentCallback(callback(reference, '999.99', 'GBP', 'e1', now), platform.deps.payments));
    const wrongCurrency = await refusal(acceptPaymentCallback(callback(reference, '1000.00', 'EUR', 'e2', now), platform.deps.payments));

    // Assess
    expect([wrongAmount, wrongCurrency]).toMatchObject([
      { kind: 'UNPROCESSABLE', code: 'PAYMENT_AMOUNT_MISMATCH' },
      { kind: 'UNPROCESSABLE', code: 'PAYMENT_AMOUNT_MISMATCH' },
    ]);
    expect(await platform.payments.get(reference)).toMatchObject({ status: 'PENDING', amount: '1000.00' });
    expect(await platform.record(id)).toEqual(before);
  });

  it('for a charge the declaration no longer carries is refused (PAYMENT_NOT_DUE) and takes no money', async () => {
    // Prepare: the request was issued, then the declaration's duties were gone (as an amendment used to wipe them).
    const platform = await fakePlatform();
    const party = newParty();
    const id = await underReview(platform, party, (d) => {
      d.payment = { method: 'H', postponedVat: false };
    });
    const state = await platform.record(id);
    const reference = state.duties?.charges[0]?.reference ?? '';
    await platform.repository.transition({
      id,
      from: state.status,
      expectedVersion: state.version,
      to: state.status,
      at: platform.clock.now().toISOString(),
      clear: ['duties'],
      set: {},
    });
    const before = await platform.record(id);

    // Act
    const refused = await refusal(
      acceptPaymentCallback(callback(reference, '1000.00', 'GBP', 'e3', platform.clock.now()), platform.deps.payments),
    );

    // Assess
    expect(refused).toMatchObject({ kind: 'CONFLICT', code: 'PAYMENT_NOT_DUE' });
    expect(await platform.payments.get(reference)).toMatchObject({ status: 'PENDING' });
    expect(await platform.record(id)).toEqual(before);
  });
});
