/**
 * Permits (docs/single-window.md): a trader applies to the agency that issues the permit type, the
 * agency approves with conditions (the quantity granted, the validity) or refuses; the holder, its
 * agency and customs read it with the declarations that drew on it. Nobody else learns it exists.
 *
 * The application is pushed to the agency's subscriptions (`permit.applied`), the decision to the
 * holder's (`permit.approved`, `permit.refused`): each is queued for notification just before its
 * write, as the declaration repository does with history events, and the fan-out notifies only
 * what the stored permit shows (docs/notifications.md, "How nothing is lost").
 */
import { hasRole, type Principal, requireAgency, requireParty, requireRole } from '#shared/domain/auth.ts';
import { newPermitId } from '#shared/domain/ids.ts';
import { PERMIT_EVENT_DELAY_SECONDS } from '#shared/domain/notifications.ts';
import {
  type Permit,
  type PermitApplication,
  type PermitDecisionInput,
  type PermitRules,
  type PermitView,
  validityDays,
} from '#shared/domain/permits.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { PermitStore } from '#shared/ports/permits.ts';
import type { NotificationQueue } from '#shared/ports/webhooks.ts';
import { Dec } from '#shared/tariff/money.ts';

export interface PermitDeps {
  permits: PermitStore;
  /** The region's permit rules now in force (undefined when none are loaded). */
  rules: () => Promise<PermitRules | undefined>;
  clock: Clock;
  /** Where the application and the decision are queued for notification (before their write). */
  notifications: NotificationQueue;
}

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'PERMIT_NOT_FOUND', `no permit ${id} that you may see`)]);

const unprocessable = (pointer: string, code: string, message: string) =>
  new DomainError('UNPROCESSABLE', 'Decision not possible', [problem(pointer, code, message)]);

/** The holder, the issuing agency, officers and admins. */
function maySee(principal: Principal, permit: Permit): boolean {
  if (hasRole(principal, 'officer') || hasRole(principal, 'admin')) return true;
  if (hasRole(principal, 'agency') && principal.agencyId === permit.agencyId) return true;
  return hasRole(principal, 'trader') && principal.partyId === permit.holderId;
}

/** POST /v1/permits: a trader applies for a permit of a type the region's rules define; it goes to that type's agency. */
export async function applyForPermit(command: { principal: Principal; input: PermitApplication }, deps: PermitDeps): Promise<Permit> {
  requireRole(command.principal, 'trader');
  const holderId = requireParty(command.principal);
  const type = (await deps.rules())?.permitTypes.find((candidate) => candidate.code === command.input.permitType);
  if (!type) {
    throw new DomainError('UNPROCESSABLE', 'Unknown permit type', [
      problem('/permitType', 'UNKNOWN_PERMIT_TYPE', `the region's permit rules define no permit type ${command.input.permitType}`),
    ]);
  }
  const now = deps.clock.now();
  const { permitType, commodityCode, origin, quantity, description } = command.input;
  const permit: Permit = {
    id: newPermitId(now),
    agencyId: type.agencyId,
    permitType,
    holderId,
    commodityCode,
    ...(origin !== undefined ? { origin } : {}),
    description,
    requested: quantity,
    status: 'APPLIED',
    appliedAt: now.toISOString(),
    appliedBy: command.principal.subject,
  };
  // Queued first: a write that then fails leaves a message the fan-out drops (no such permit).
  await deps.notifications.send({ permitId: permit.id, event: 'APPLIED', at: permit.appliedAt }, PERMIT_EVENT_DELAY_SECONDS);
  if (!(await deps.permits.create(permit))) throw new Error(`permit id ${permit.id} taken`);
  return permit;
}

/** GET /v1/permits: a trader's own, an agency's own; officers and admins name the agency or the holder. */
export async function listPermits(
  query: { principal: Principal; agency?: string | undefined; holder?: string | undefined },
  deps: Pick<PermitDeps, 'permits'>,
): Promise<{ items: Permit[] }> {
  const { principal } = query;
  requireRole(principal, 'trader', 'agency', 'officer', 'admin');
  if (hasRole(principal, 'officer') || hasRole(principal, 'admin')) {
    if (query.agency !== undefined) return { items: await deps.permits.listByAgency(query.agency) };
    if (query.holder !== undefined) return { items: await deps.permits.listByHolder(query.holder) };
    throw new DomainError('BAD_REQUEST', 'Filter required', [
      problem('', 'FILTER_REQUIRED', 'name the agency (?agency=) or the holder (?holder=)'),
    ]);
  }
  if (hasRole(principal, 'agency')) {
    const agencyId = requireAgency(principal);
    if ((query.agency ?? agencyId) !== agencyId || query.holder !== undefined) throw forbiddenFilter();
    return { items: await deps.permits.listByAgency(agencyId) };
  }
  const holderId = requireParty(principal);
  if ((query.holder ?? holderId) !== holderId || query.agency !== undefined) throw forbiddenFilter();
  return { items: await deps.permits.listByHolder(holderId) };
}

const forbiddenFilter = () =>
  new DomainError('FORBIDDEN', 'Forbidden', [
    problem('', 'FILTER_NOT_YOURS', 'you may list only the permits you hold or your agency issues'),
  ]);

/** GET /v1/permits/{id}: the permit and the declarations that drew on it. */
export async function getPermit(query: { principal: Principal; id: string }, deps: Pick<PermitDeps, 'permits'>): Promise<PermitView> {
  requireRole(query.principal, 'trader', 'agency', 'officer', 'admin');
  const permit = await deps.permits.get(query.id);
  if (!permit || !maySee(query.principal, permit)) throw notFound(query.id);
  return { ...permit, draws: await deps.permits.draws(permit.id) };
}

/** POST /v1/permits/{id}/decision: the issuing agency approves (with conditions) or refuses, once. */
export async function decidePermit(
  command: { principal: Principal; id: string; input: PermitDecisionInput },
  deps: PermitDeps,
): Promise<Permit> {
  requireRole(command.principal, 'agency');
  const agencyId = requireAgency(command.principal);
  const permit = await deps.permits.get(command.id);
  if (!permit || permit.agencyId !== agencyId) throw notFound(command.id);
  if (permit.status !== 'APPLIED') throw alreadyDecided(permit);
  const decided = { decidedAt: deps.clock.now().toISOString(), decidedBy: command.principal.subject };
  const { input } = command;
  let next: Permit;
  if (input.decision === 'REFUSE') {
    next = { ...permit, ...decided, status: 'REFUSED', refusalReason: input.reason };
  } else {
    if (input.quantity.unit !== permit.requested.unit) {
      throw unprocessable('/quantity/unit', 'PERMIT_UNIT_MISMATCH', `the application is in ${permit.requested.unit}`);
    }
    if (new Dec(input.quantity.value).greaterThan(permit.requested.value)) {
      throw unprocessable('/quantity/value', 'PERMIT_QUANTITY_ABOVE_APPLIED', `at most the ${permit.requested.value} applied for`);
    }
    if (input.validUntil < input.validFrom) {
      throw unprocessable('/validUntil', 'PERMIT_VALIDITY_INVALID', `${input.validUntil} is before ${input.validFrom}`);
    }
    const type = (await deps.rules())?.permitTypes.find((candidate) => candidate.code === permit.permitType);
    if (type && validityDays(input.validFrom, input.validUntil) > type.maxValidityDays) {
      throw unprocessable('/validUntil', 'PERMIT_VALIDITY_TOO_LONG', `a ${type.name} is valid at most ${type.maxValidityDays} days`);
    }
    next = {
      ...permit,
      ...decided,
      status: 'APPROVED',
      granted: input.quantity,
      remaining: input.quantity.value,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      ...(input.conditions !== undefined ? { conditions: input.conditions } : {}),
    };
  }
  // Queued first: the fan-out notifies the decision only if it is the one stored (same time and outcome).
  await deps.notifications.send({ permitId: permit.id, event: 'DECIDED', at: decided.decidedAt }, PERMIT_EVENT_DELAY_SECONDS);
  // Conditional on APPLIED: of two decisions at once, one is stored.
  if (!(await deps.permits.decide(next))) throw alreadyDecided((await deps.permits.get(permit.id)) ?? permit);
  return next;
}

const alreadyDecided = (permit: Permit) =>
  new DomainError('CONFLICT', 'Already decided', [
    problem('', 'PERMIT_ALREADY_DECIDED', `permit ${permit.id} is ${permit.status.toLowerCase()} already`),
  ]);
