/**
 * Reference documents: what an administrator loads for a region (tariff pack, exchange rates,
 * valuation references, risk settings). Each load is a new immutable version named by the
 * SHA-256 of its content; the current version is a pointer. Work already done keeps the version
 * it used, so loading a new document never changes an assessment or a risk outcome already made.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { DomainError } from '#shared/domain/problems.ts';
import type { ReferenceDocumentKind, ReferenceDocumentStore, ReferenceDocumentVersion } from '#shared/ports/reference-documents.ts';

/** Content version: the first 16 hex digits of the SHA-256 of the canonical JSON. */
export const contentVersion = (content: Uint8Array): string => createHash('sha256').update(content).digest('hex').slice(0, 16);

export async function referenceDocumentHistory(
  query: { principal: Principal; kind: ReferenceDocumentKind },
  deps: { store: Pick<ReferenceDocumentStore, 'history'> },
): Promise<{ items: ReferenceDocumentVersion[] }> {
  requireRole(query.principal, 'officer', 'admin');
  return { items: await deps.store.history(query.kind) };
}

export async function loadReferenceDocument<S extends z.ZodType>(
  command: { principal: Principal; kind: ReferenceDocumentKind; schema: S; document: unknown; at: string },
  deps: { store: ReferenceDocumentStore },
): Promise<ReferenceDocumentVersion> {
  requireRole(command.principal, 'admin');
  const parsed = command.schema.safeParse(command.document, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', `Invalid ${command.kind}`, parsed.error);
  const content = Buffer.from(JSON.stringify(parsed.data));
  return deps.store.put(command.kind, contentVersion(content), content, { at: command.at, by: command.principal.subject });
}
