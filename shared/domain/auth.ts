/**
 * Who is calling, and what they may see. Roles come from the Cognito groups claim, the party
 * (EORI) a trader or carrier acts for from the `custom:party_id` claim of the ID token.
 */
import { DomainError, problem } from './problems.ts';

/** `carrier`: a shipping line, airline or haulier reporting the goods it brings in (docs/single-window.md). */
export const roles = ['trader', 'officer', 'admin', 'carrier'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  /** Stable subject of the identity provider. */
  subject: string;
  roles: readonly Role[];
  /** EORI of the party a trader or carrier acts for; officers and admins have none. */
  partyId: string | undefined;
}

export const hasRole = (principal: Principal, role: Role): boolean => principal.roles.includes(role);

/** Officers and admins see every declaration; a trader only those it declared. */
export function canRead(principal: Principal, declarantId: string): boolean {
  if (hasRole(principal, 'officer') || hasRole(principal, 'admin')) return true;
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
