/**
 * Repayment claims (docs/revenue.md, "Repayments"). The declarant of a released import claims
 * duties back per tax type, never more than what the declaration was charged for that tax type
 * less what other claims repaid or ask for; an officer approves (part or all of it) or refuses,
 * once (a conditional write: the same decision again changes nothing, another one is refused);
 * an approved amount is paid exactly once, into the declarant's cash account (a `REPAYMENT`
 * ledger entry whose source `REPAY#<claim>` is booked once, however many approvals race) or, with
 * no cash account, by a payout handed to the payment provider (shared/usecases/payouts.ts). Each
 * step is in the declaration's history.
 */
import type { Account } from '#shared/domain/accounts.ts';
import { canRead, type Principal, requireParty, requireRole } from '#shared/domain/auth.ts';
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import { DomainError, type Problem, problem } from '#shared/domain/problems.ts';
import {
  chargedByTaxType,
  claimableByTaxType,
  declarationOfClaim,
  normalised,
  progressOf,
  type Repayment,
  type RepaymentClaim,
  type RepaymentClaimInput,
  type RepaymentClaimView,
  type RepaymentDecisionInput,
  repaymentClaimId,
  totalOf,
} from '#shared/domain/repayments.ts';
import type { AccountLedger } from '#shared/ports/accounts.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationReader, DeclarationWriter } from '#shared/ports/declarations.ts';
import type { PayoutProvider, Payouts, RepaymentClaims } from '#shared/ports/repayments.ts';
import { Dec, fixed2 } from '#shared/tariff/money.ts';
import { bookOnAccount } from './book-on-account.ts';
import { sendPayout } from './payouts.ts';
import { recordInHistory } from './record-in-history.ts';

export interface RepaymentDeps {
  repository: DeclarationReader & DeclarationWriter;
  claims: RepaymentClaims;
  accounts: AccountLedger;
  payouts: Payouts;
  /** Where a payout goes to be paid. */
  payoutProvider: PayoutProvider;
  clock: Clock;
}

/** Claims a declaration may have: a bound on what one declaration can store. */
const MAX_CLAIMS = 20;

const declarationNotFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'DECLARATION_NOT_FOUND', `no declaration ${id} that you may see`)]);
const claimNotFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'CLAIM_NOT_FOUND', `no repayment claim ${id}`)]);

/** POST /v1/declarations/{id}/repayment-claims: the declarant claims; the same claim again answers the pending one. */
export async function claimRepayment(
  command: { principal: Principal; declarationId: string; input: RepaymentClaimInput },
  deps: RepaymentDeps,
): Promise<{ claim: RepaymentClaim; created: boolean }> {
  requireRole(command.principal, 'trader');
  const party = requireParty(command.principal);
  const state = await deps.repository.getState(command.declarationId);
  // Another party's declaration does not exist for this trader (no existence oracle).
  if (!state || state.declarantId !== party) throw declarationNotFound(command.declarationId);
  if (state.status !== 'RELEASED')
    throw new DomainError('CONFLICT', 'Not released', [
      problem('', 'NOT_RELEASED', `declaration ${state.id} is ${state.status}: duties are repaid on a released declaration`),
    ]);
  const currency = state.duties?.currency;
  if (!currency)
    throw new DomainError('UNPROCESSABLE', 'Nothing charged', [
      problem('/amounts', 'NOTHING_CHARGED', `declaration ${state.id} was charged no duties: there is nothing to repay`),
    ]);
  const amounts = normalised(command.input.amounts);
  for (;;) {
    const claims = await deps.claims.listByDeclaration(state.id);
    const same = claims.find(
      (claim) => claim.status === 'PENDING' && claim.claimantId === party && isSameClaim(claim, command.input, amounts),
    );
    if (same) return { claim: same, created: false };
    if (claims.length >= MAX_CLAIMS)
      throw new DomainError('CONFLICT', 'Too many claims', [
        problem('', 'TOO_MANY_CLAIMS', `declaration ${state.id} has ${MAX_CLAIMS} repayment claims already`),
      ]);
    refuseOverClaim(state, claims, amounts);
    const at = deps.clock.now().toISOString();
    const n = Math.max(0, ...claims.map((claim) => declarationOfClaim(claim.id)?.n ?? 0)) + 1;
    const claim: RepaymentClaim = {
      id: repaymentClaimId(state.id, n),
      declarationId: state.id,
      claimantId: party,
      reason: command.input.reason,
      amounts,
      currency,
      explanation: command.input.explanation,
      documents: command.input.documents,
      status: 'PENDING',
      claimedAt: at,
    };
    // Numbered claims are created one at a time: a claim that lost the number reads the winner and checks the amounts again.
    if (!(await deps.claims.create(claim))) continue;
    await recordInHistory(
      {
        declarationId: state.id,
        type: 'REPAYMENT_CLAIMED',
        mark: `repayment claim ${claim.id} `,
        detail: `repayment claim ${claim.id} (${claim.reason}): ${totalOf(amounts)} ${claim.currency} claimed`,
        at,
        actor: { kind: 'trader', id: party },
      },
      deps.repository,
    );
    return { claim, created: true };
  }
}

/** Each tax type claimed was charged, and no more is claimed than is left of it (422, pointing at the tax type). */
function refuseOverClaim(state: DeclarationState, claims: readonly RepaymentClaim[], amounts: Record<string, string>): void {
  const charged = chargedByTaxType(state.duties);
  const claimable = claimableByTaxType(state.duties, claims);
  const problems: Problem[] = [];
  for (const [type, amount] of Object.entries(amounts)) {
    const left = claimable[type];
    if (!left || !charged[type]?.greaterThan(0)) {
      problems.push(
        problem(`/amounts/${type}`, 'TAX_TYPE_NOT_CHARGED', `declaration ${state.id} was charged nothing for tax type ${type}`),
      );
    } else if (new Dec(amount).greaterThan(left)) {
      problems.push(
        problem(
          `/amounts/${type}`,
          'CLAIM_EXCEEDS_CHARGED',
          `at most ${fixed2(Dec.max(0, left))} may be claimed for ${type}: ${fixed2(charged[type])} charged, ${fixed2(charged[type].minus(left))} repaid or claimed already`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new DomainError('UNPROCESSABLE', 'Claim exceeds the duties charged', problems);
}

const isSameClaim = (claim: RepaymentClaim, input: RepaymentClaimInput, amounts: Record<string, string>): boolean =>
  claim.reason === input.reason &&
  claim.explanation === input.explanation &&
  JSON.stringify(claim.amounts) === JSON.stringify(amounts) &&
  JSON.stringify(claim.documents) === JSON.stringify(input.documents);

/** GET /v1/declarations/{id}/repayment-claims: the declarant's own, and customs', each paid by payout with the payout's progress. */
export async function listDeclarationClaims(
  query: { principal: Principal; declarationId: string },
  deps: Pick<RepaymentDeps, 'repository' | 'claims'> & { payouts: Pick<Payouts, 'getPayout'> },
): Promise<RepaymentClaimView[]> {
  requireRole(query.principal, 'trader', 'officer', 'admin');
  const state = await deps.repository.getState(query.declarationId);
  if (!state || !canRead(query.principal, state.declarantId)) throw declarationNotFound(query.declarationId);
  const claims = await deps.claims.listByDeclaration(state.id);
  return Promise.all(
    claims.map(async (claim) => {
      const reference = claim.repayment?.method === 'PAYOUT' ? claim.repayment.payoutReference : undefined;
      const payout = reference ? await deps.payouts.getPayout(reference) : undefined;
      return payout ? { ...claim, payout: progressOf(payout) } : claim;
    }),
  );
}

/** GET /v1/review/repayment-claims: claims waiting for an officer, oldest first. */
export async function listPendingClaims(
  query: { principal: Principal; limit: number },
  deps: Pick<RepaymentDeps, 'claims'>,
): Promise<RepaymentClaim[]> {
  requireRole(query.principal, 'officer', 'admin');
  return deps.claims.listPending(query.limit);
}

/**
 * POST /v1/review/repayment-claims/{claimId}/decisions: APPROVE (each tax type at most what was
 * claimed for it) or REFUSE, once. A repeat of the decision taken finishes what it left undone
 * (history, payment) and changes nothing else; another decision is refused (409).
 */
export async function decideRepaymentClaim(
  command: { principal: Principal; claimId: string; decision: RepaymentDecisionInput },
  deps: RepaymentDeps,
): Promise<RepaymentClaim> {
  requireRole(command.principal, 'officer');
  const officerId = command.principal.subject;
  if (!declarationOfClaim(command.claimId)) throw claimNotFound(command.claimId);
  let claim = await deps.claims.get(command.claimId);
  if (!claim) throw claimNotFound(command.claimId);
  const at = deps.clock.now().toISOString();
  if (claim.status === 'PENDING') {
    const decision =
      command.decision.outcome === 'APPROVE'
        ? { outcome: 'APPROVE' as const, amounts: approvable(claim, command.decision.amounts), officerId, at }
        : { outcome: 'REFUSE' as const, reason: command.decision.reason, officerId, at };
    await deps.claims.decide(claim.id, decision);
    // Decided by this request, or by another one meanwhile: either way the stored decision stands.
    claim = (await deps.claims.get(claim.id)) ?? claim;
  }
  if (!isSameDecision(claim, command.decision))
    throw new DomainError('CONFLICT', 'Decided already', [
      problem(
        '',
        'CLAIM_ALREADY_DECIDED',
        `repayment claim ${claim.id} was ${claim.status} on ${claim.decision?.at ?? 'an earlier request'}`,
      ),
    ]);
  return finishDecision(claim, deps);
}

/** What the officer approves: tax types claimed, none above its claimed amount (422 otherwise). */
function approvable(claim: RepaymentClaim, amounts: Record<string, string>): Record<string, string> {
  const approved = normalised(amounts);
  const problems: Problem[] = [];
  for (const [type, amount] of Object.entries(approved)) {
    const claimed = claim.amounts[type];
    if (claimed === undefined)
      problems.push(problem(`/amounts/${type}`, 'TAX_TYPE_NOT_CLAIMED', `claim ${claim.id} claims nothing for ${type}`));
    else if (new Dec(amount).greaterThan(claimed))
      problems.push(
        problem(`/amounts/${type}`, 'APPROVAL_EXCEEDS_CLAIM', `claim ${claim.id} claims ${claimed} for ${type}: approve at most that`),
      );
  }
  if (problems.length > 0) throw new DomainError('UNPROCESSABLE', 'Approval exceeds the claim', problems);
  return approved;
}

function isSameDecision(claim: RepaymentClaim, request: RepaymentDecisionInput): boolean {
  const decision = claim.decision;
  if (!decision || decision.outcome !== request.outcome) return false;
  if (request.outcome === 'REFUSE') return decision.reason === request.reason;
  return JSON.stringify(decision.amounts) === JSON.stringify(normalised(request.amounts));
}

/** The decision in the history, and an approved claim paid and that recorded: each step once. */
async function finishDecision(claim: RepaymentClaim, deps: RepaymentDeps): Promise<RepaymentClaim> {
  const decision = claim.decision;
  if (!decision) throw new Error(`claim ${claim.id} has no decision`);
  const approved = decision.outcome === 'APPROVE';
  await recordInHistory(
    {
      declarationId: claim.declarationId,
      type: approved ? 'REPAYMENT_APPROVED' : 'REPAYMENT_REFUSED',
      mark: `repayment claim ${claim.id} ${approved ? 'approved' : 'refused'}`,
      detail: approved
        ? `repayment claim ${claim.id} approved: ${totalOf(decision.amounts ?? {})} ${claim.currency}`
        : `repayment claim ${claim.id} refused: ${decision.reason ?? ''}`,
      at: decision.at,
      actor: { kind: 'officer', id: decision.officerId },
    },
    deps.repository,
  );
  if (!approved) return claim;
  const repayment = claim.repayment ?? (await pay(claim, deps));
  await deps.claims.recordRepayment(claim.id, repayment);
  await recordInHistory(
    {
      declarationId: claim.declarationId,
      type: 'REPAYMENT_PAID',
      // One per claim, whichever way it is paid (the mark also finds events recorded before the payout wording).
      mark: `repayment claim ${claim.id} `,
      detail:
        repayment.method === 'CASH_ACCOUNT'
          ? `repayment claim ${claim.id} paid: ${repayment.amount} ${claim.currency} into cash account ${repayment.account?.number}`
          : // Not paid yet: the provider pays it later and confirms it (REPAYMENT_PAID_OUT, or PAYOUT_FAILED).
            `repayment claim ${claim.id} payout requested: ${repayment.amount} ${claim.currency} by payout ${repayment.payoutReference}, paid once the provider confirms it`,
      at: repayment.at,
      actor: { kind: 'system', id: 'repayment' },
    },
    deps.repository,
  );
  if (repayment.payoutReference) await sendPayout(repayment.payoutReference, { ...deps, provider: deps.payoutProvider });
  return (await deps.claims.get(claim.id)) ?? { ...claim, repayment };
}

/**
 * Pays the approved amounts: into the cash account the declaration drew on (method P), else the
 * declarant's first cash account in the claim's currency, else by a payout. Whatever an earlier
 * attempt did (a payout requested, an entry booked) is found first, so a claim is paid once.
 */
async function pay(claim: RepaymentClaim, deps: RepaymentDeps): Promise<Repayment> {
  const amounts = claim.decision?.amounts ?? {};
  const amount = totalOf(amounts);
  const source = `REPAY#${claim.id}`;
  const at = claim.decision?.at ?? deps.clock.now().toISOString();
  const paidOut = await deps.payouts.getPayout(claim.id);
  if (paidOut) return { method: 'PAYOUT', payoutReference: paidOut.reference, amount, byTaxType: amounts, at: paidOut.createdAt };
  const accounts = await cashAccountsFor(claim, deps);
  for (const account of accounts) {
    const booked = await deps.accounts.findBySource(account.number, source);
    if (booked)
      return {
        method: 'CASH_ACCOUNT',
        account: { number: account.number, sequence: booked.sequence },
        amount,
        byTaxType: amounts,
        at: booked.at,
      };
  }
  const into = accounts[0];
  if (into) {
    const booked = await bookOnAccount(deps.accounts, into.number, {
      kind: 'REPAYMENT',
      at,
      amount,
      source,
      declarationId: claim.declarationId,
      byTaxType: amounts,
      by: claim.decision?.officerId ?? 'repayment',
    });
    if (booked.ok)
      return { method: 'CASH_ACCOUNT', account: { number: into.number, sequence: booked.entry.sequence }, amount, byTaxType: amounts, at };
  }
  await deps.payouts.requestPayout({
    reference: claim.id,
    declarationId: claim.declarationId,
    payeeId: claim.claimantId,
    amount,
    byTaxType: amounts,
    currency: claim.currency,
    status: 'REQUESTED',
    createdAt: at,
  });
  return { method: 'PAYOUT', payoutReference: claim.id, amount, byTaxType: amounts, at };
}

/** The claimant's cash accounts in the claim's currency, the one the declaration drew on first. */
async function cashAccountsFor(claim: RepaymentClaim, deps: RepaymentDeps): Promise<Account[]> {
  const state = await deps.repository.getState(claim.declarationId);
  const drawnOn = state?.duties?.method === 'P' ? state.duties.account : undefined;
  const owned = (await deps.accounts.listByOwner(claim.claimantId)).filter(
    (account) => account.kind === 'CASH' && account.currency === claim.currency,
  );
  return [...owned.filter((account) => account.number === drawnOn), ...owned.filter((account) => account.number !== drawnOn)];
}
