import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Principal, type Role, roles } from '#shared/domain/auth.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';

/**
 * API Gateway's JWT authorizer has already verified the token; its claims arrive flattened to
 * strings, so the Cognito groups array reads "[trader]" or "[officer admin]".
 */
export function principalFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Principal {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const subject = claims?.sub;
  if (!claims || typeof subject !== 'string') {
    throw new DomainError('UNAUTHENTICATED', 'Unauthenticated', [problem('', 'TOKEN_REQUIRED', 'a valid bearer token is required')]);
  }
  const partyId = claims['custom:party_id'];
  if (partyId !== undefined && partyId !== '' && (typeof partyId !== 'string' || !partyIdPattern.test(partyId))) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('', 'PARTY_INVALID', "the token's party id (custom:party_id) is not an EORI number"),
    ]);
  }
  const agencyId = claims['custom:agency_id'];
  if (agencyId !== undefined && agencyId !== '' && (typeof agencyId !== 'string' || !agencyIdPattern.test(agencyId))) {
    throw new DomainError('FORBIDDEN', 'Forbidden', [
      problem('', 'AGENCY_INVALID', "the token's agency id (custom:agency_id) is not an agency id such as GB-PHSI"),
    ]);
  }
  return {
    subject,
    roles: parseGroups(claims['cognito:groups']),
    partyId: typeof partyId === 'string' && partyId.length > 0 ? partyId : undefined,
    ...(typeof agencyId === 'string' && agencyId.length > 0 ? { agencyId } : {}),
  };
}

const partyIdPattern = /^[A-Z]{2}[A-Z0-9]{1,15}$/;
const agencyIdPattern = /^[A-Z]{2}-[A-Z0-9]{2,16}$/;

/**
 * Cognito puts the groups in an array; API Gateway flattens an array claim to "[a b]". A plain
 * string is one group name: "trader,admin" is a group of that name, not two groups.
 */
function parseGroups(groups: unknown): Role[] {
  const names = Array.isArray(groups)
    ? groups.map(String)
    : typeof groups === 'string'
      ? /^\[.*\]$/s.test(groups)
        ? groups.slice(1, -1).split(' ')
        : [groups]
      : [];
  return names.filter((name): name is Role => (roles as readonly string[]).includes(name));
}
