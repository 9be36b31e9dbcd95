/**
 * Who is calling, and what they may see. Roles come from the Cognito groups claim, the party
 * (EORI) a trader or carrier acts for from the `custom:party_id` claim of the ID token, the partner
 * agency an agency user acts for from `custom:agency_id` (docs/single-window.md).
 */
import { DomainError, problem } from './problems.ts';

/**
 * `carrier`: a shipping line, airline or haulier reporting the goods it brings in; `agency`: a
 * partner agency's user deciding on permits (docs/single-window.md).
 */
export const roles = ['trader', 'officer', 'admin', 'carrier', 'agency'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** Stable subject of the identity provider. */
  subject: string;
  roles: readonly Role[];
  /** EORI of the party a trader or carrier acts for; officers and admins have none. */
  partyId: string | undefined;
  /** The partner agency an agency user acts for; nobody else has one. */
  agencyId?: string | undefined;
}

export const hasRole = (principal: Principal, role: Role): boolean => principal.roles.includes(role);

/**
 * Officers and admins see every declaration; a trader only those it declared; an agency user only
 * those that cite a permit of its agency (`citedAgencies`).
 */
export function canRead(principal: Principal, declarantId: string, citedAgencies: readonly string[] = []): boolean {
  if (hasRole(principal, 'officer') || hasRole(principal, 'admin')) return true;
  if (hasRole(principal, 'agency') && principal.agencyId !== undefined && citedAgencies.includes(principal.agencyId)) return true;
  return hasRole(principal, 'trader') && principal.partyId === declarantId;
}

export function requireRole(principal: Principal, ...allowed: Role[]): void {
  if (!allowed.some((role) => hasRole(principal, role))) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('', 'ROLE_REQUIRED', `this action needs one of the roles: ${allowed.join(', ')}`),
    ]);
  }
}

/** The party a trader or carrier acts for; such a token without one is misconfigured. */
export function requireParty(principal: Principal): string {
  if (!principal.partyId) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('', 'PARTY_REQUIRED', 'the token carries no party id (custom:party_id) to act for'),
    ]);
  }
  return principal.partyId;
}

/** The agency an agency user acts for; an agency token without one is misconfigured. */
export function requireAgency(principal: Principal): string {
  if (!principal.agencyId) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('', 'AGENCY_REQUIRED', 'the token carries no agency id (custom:agency_id) to act for'),
    ]);
  }
  return principal.agencyId;
}
