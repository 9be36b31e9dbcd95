import { DomainError, problem } from '#shared/domain/problems.ts';
import type { HttpEvent } from './middleware.ts';

/** If-Match: "<version>" for optimistic concurrency on edits. */
export function ifMatchVersion(event: HttpEvent): number | undefined {
  const header = event.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?([1-9][0-9]{0,8})"?$/.exec(header.trim());
  if (!match) {
    throw new DomainError('BAD_REQUEST', 'Invalid If-Match', [
      problem('', 'INVALID_IF_MATCH', 'If-Match must be the version you edit, e.g. "3"'),
    ]);
  }
  return Number(match[1]);
}
