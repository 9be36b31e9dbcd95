/**
 * Payouts through the payment provider on the fakes (docs/revenue.md, "Payouts"): an approved
 * claim of a trader without a cash account is handed to the provider once (REQUESTED -> SENT),
 * and the provider's signed `payout.succeeded` / `payout.failed` settles it once; unknown,
 * replayed, stale, forged or wrong-amount callbacks are refused and change nothing.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/domain/auth.ts';
import { signCallback } from '#shared/domain/payment-signature.ts';
import { acceptPaymentCallback } from '#shared/usecases/payment-callbacks.ts';
import { sendPayout } from '#shared/usecases/payouts.ts';
import { claimRepayment, decideRepaymentClaim, listDeclarationClaims } from '#shared/usecases/repayment-claims.ts';
import { newParty } from '#tests/integration/support.ts';
import { fakePlatform } from '#tests/support/fake-platform.ts';
import { refusal } from '#tests/support/scenarios.ts';

const officer: Principal = { subject: 'officer-payouts', roles: ['officer'], partyId: undefined };
const traderOf = (party: string): Principal => ({ subject: `trader-${party}`, roles: ['trader'], partyId: party });
const simulatorSecret = Buffer.from('simulator-secret-for-tests-only-0123456789', 'utf8');
const failedFixture = JSON.parse(readFileSync(new URL('../../fixtures/revenue/payout-failed.json', import.meta.url), 'utf8')) as Record<
  string,
  string
>;

function signed(event: Record<string, string>, now: Date, secret = simulatorSecret) {
  const body = Buffer.from(JSON.stringify(event));
  return { provider: 'simulator', signature: signCallback(secret, Math.floor(now.getTime() / 1000), body), body };
}

const succeeded = (reference: string, eventId: string, amount = '0.50') => ({
  eventId,
  type: 'payout.succeeded',
  reference,
  amount,
  currency: 'GBP',
});

/** A released import of a trader without a cash account, and its claim of 0.50 (not yet decided). */
async function claimWithoutCashAccount() {
  const platform = await fakePlatform();
  const party = newParty();
  const id = await platform.submit(platform.declaration(party));
  await platform.runThrough('release');
  const taxType = Object.keys((await platform.record(id)).duties?.charges[0]?.byTaxType ?? {})[0] ?? 'A00';
  const deps = platform.deps.repayments;
  const { claim } = await claimRepayment(
    {
      principal: traderOf(party),
      declarationId: id,
      input: { reason: 'OVERPAID', amounts: { [taxType]: '0.50' }, explanation: 'value declared twice', documents: [] },
    },
    deps,
  );
  const approve = () =>
    decideRepaymentClaim({ principal: officer, claimId: claim.id, decision: { outcome: 'APPROVE', amounts: { [taxType]: '0.50' } } }, deps);
  const eventsOf = async (type: string) => (await platform.repository.listEvents(id)).filter((event) => event.type === type);
  return { platform, party, id, claim, deps, approve, eventsOf };
}

describe('sending a payout', () => {
  it('hands an approved claim’s payout to the provider once, however often asked, and marks it SENT', async () => {
    // Prepare
    const { platform, claim, deps, approve } = await claimWithoutCashAccount();

    // Act
    await approve();
    await approve();
    await Promise.all([
      sendPayout(claim.id, { ...deps, provider: deps.payoutProvider }),
      sendPayout(claim.id, { ...deps, provider: deps.payoutProvider }),
    ]);

    // Assess
    expect(platform.payoutProvider.calls.get(claim.id)).toBe(1);
    expect(platform.payoutProvider.sent.get(claim.id)).toMatchObject({ reference: claim.id, amount: '0.50', status: 'REQUESTED' });
    expect(await platform.payouts.getPayout(claim.id)).toMatchObject({ status: 'SENT', sentAt: platform.clock.now().toISOString() });
  });

  it('leaves the payout REQUESTED when the provider cannot be reached, and the decision’s repeat sends it', async () => {
    // Prepare
    const { platform, claim, approve } = await claimWithoutCashAccount();
    platform.payoutProvider.failNext = true;

    // Act
    const failed = await approve().catch((error: unknown) => error);
    const afterFailure = await platform.payouts.getPayout(claim.id);
    const repeated = await approve();

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(afterFailure).toMatchObject({ status: 'REQUESTED' });
    expect(repeated).toMatchObject({ status: 'APPROVED', repayment: { method: 'PAYOUT', payoutReference: claim.id } });
    expect(await platform.payouts.getPayout(claim.id)).toMatchObject({ status: 'SENT' });
    expect(platform.payoutProvider.calls.get(claim.id)).toBe(2);
  });
});

describe('the provider’s payout callback', () => {
  it('marks the payout PAID once, records REPAYMENT_PAID_OUT once, and the trader sees it PAID', async () => {
    // Prepare
    const { platform, party, id, claim, deps, approve, eventsOf } = await claimWithoutCashAccount();
    await approve();
    const now = platform.clock.now();

    // Act
    const paid = await acceptPaymentCallback(signed(succeeded(claim.id, 'evt_paid_1'), now), platform.deps.payments);
    const replayed = await refusal(acceptPaymentCallback(signed(succeeded(claim.id, 'evt_paid_1'), now), platform.deps.payments));
    const again = await acceptPaymentCallback(signed(succeeded(claim.id, 'evt_paid_2'), now), platform.deps.payments);

    // Assess
    expect(paid).toEqual({ reference: claim.id, outcome: 'PAID_OUT', declarationStatus: 'RELEASED' });
    expect(replayed).toMatchObject({ kind: 'CONFLICT', code: 'CALLBACK_REPLAYED' });
    expect(again).toMatchObject({ outcome: 'ALREADY_SETTLED' });
    expect(await platform.payouts.getPayout(claim.id)).toMatchObject({
      status: 'PAID',
      settledAt: now.toISOString(),
      settledBy: { provider: 'simulator', eventId: 'evt_paid_1' },
    });
    expect(await eventsOf('REPAYMENT_PAID_OUT')).toHaveLength(1);
    const [listed] = await listDeclarationClaims({ principal: traderOf(party), declarationId: id }, deps);
    expect(listed?.payout).toEqual({ reference: claim.id, status: 'PAID', sentAt: now.toISOString(), settledAt: now.toISOString() });
  });

  it('refuses an unknown, stale, forged or wrong-amount callback and changes nothing', async () => {
    // Prepare
    const { platform, claim, approve, id } = await claimWithoutCashAccount();
    await approve();
    const now = platform.clock.now();
    const before = await platform.payouts.getPayout(claim.id);
    const history = await platform.repository.listEvents(id);
    const stale = new Date(now.getTime() - 10 * 60 * 1000);

    // Act
    const refusals = await Promise.all([
      refusal(acceptPaymentCallback(signed(succeeded(`${id}-R9`, 'evt_unknown'), now), platform.deps.payments)),
      refusal(acceptPaymentCallback(signed(succeeded(claim.id, 'evt_stale'), stale), platform.deps.payments)),
      refusal(
        acceptPaymentCallback(
          signed(succeeded(claim.id, 'evt_forged'), now, Buffer.from('not-the-simulator-secret-0123456789')),
          platform.deps.payments,
        ),
      ),
      refusal(acceptPaymentCallback(signed(succeeded(claim.id, 'evt_amount', '5.00'), now), platform.deps.payments)),
    ]);

    // Assess
    expect(refusals).toMatchObject([
      { kind: 'NOT_FOUND', code: 'PAYOUT_REFERENCE_NOT_FOUND' },
      { kind: 'UNAUTHENTICATED', code: 'CALLBACK_STALE' },
      { kind: 'UNAUTHENTICATED', code: 'CALLBACK_SIGNATURE_INVALID' },
      { kind: 'UNPROCESSABLE', code: 'PAYOUT_AMOUNT_MISMATCH' },
    ]);
    expect(await platform.payouts.getPayout(claim.id)).toEqual(before);
    expect(await platform.repository.listEvents(id)).toEqual(history);
  });

  it('marks a failed payout FAILED with the provider’s reason, once: it stays FAILED and the trader sees why', async () => {
    // Prepare
    const { platform, party, id, claim, deps, approve, eventsOf } = await claimWithoutCashAccount();
    await approve();
    const now = platform.clock.now();

    // Act
    const failed = await acceptPaymentCallback(signed({ ...failedFixture, reference: claim.id }, now), platform.deps.payments);
    const lateSuccess = await acceptPaymentCallback(signed(succeeded(claim.id, 'evt_late'), now), platform.deps.payments);

    // Assess
    expect([failed, lateSuccess]).toMatchObject([{ outcome: 'PAYOUT_FAILED' }, { outcome: 'ALREADY_SETTLED' }]);
    expect(await eventsOf('PAYOUT_FAILED')).toMatchObject([{ detail: `payout ${claim.id} failed: ${failedFixture.reason}` }]);
    expect(await eventsOf('REPAYMENT_PAID_OUT')).toEqual([]);
    const [listed] = await listDeclarationClaims({ principal: traderOf(party), declarationId: id }, deps);
    expect(listed?.payout).toMatchObject({ status: 'FAILED', failureReason: failedFixture.reason });
  });
});
