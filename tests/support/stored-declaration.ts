/**
 * A declaration stored as intake stores it, for tests that drive the repository or the stages
 * directly: its bytes archived first (unless `archived: false`, for a declaration whose archive
 * object is missing), then its SUBMITTED state item.
 */
import { expect } from 'vitest';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { declarationSchema } from '#shared/domain/declaration.ts';
import type { DeclarationRecord } from '#shared/domain/declaration-record.ts';
import { newDeclarationId } from '#shared/domain/ids.ts';
import type { DeclarationRepository } from '#shared/ports/declarations.ts';
import type { DocumentArchive } from '#shared/ports/document-archive.ts';
import { sha256Hex } from '#shared/usecases/submit-declaration.ts';
import { declarationFor, newParty } from '#tests/integration/support.ts';

type Deps = { repository: DeclarationRepository; archive: DocumentArchive; bucket?: string };
type Options = { party?: string; at?: string; archived?: boolean };

export async function storeSubmitted(deps: Deps, options: Options = {}): Promise<DeclarationRecord> {
  return (await storeSubmittedWithBytes(deps, options)).record;
}

/** The same, with the exact bytes (to archive them later when `archived: false`). */
export async function storeSubmittedWithBytes(deps: Deps, options: Options = {}): Promise<{ record: DeclarationRecord; bytes: Buffer }> {
  const party = options.party ?? newParty();
  const at = options.at ?? new Date().toISOString();
  const id = newDeclarationId(new Date(at));
  const bytes = Buffer.from(JSON.stringify(declarationFor(party)));
  const sha256 = sha256Hex(bytes);
  const key = archiveKeys.submitted(id, sha256);
  const archived =
    options.archived === false
      ? { bucket: deps.bucket ?? 'not-archived', key, versionId: undefined }
      : await deps.archive.put({ key, body: bytes, contentType: 'application/json', sha256 });
  const record: DeclarationRecord = {
    id,
    lrn: `L-${id}`,
    ucr: `6${party}-X`,
    type: 'IM',
    office: 'GBLHR',
    declarantId: party,
    status: 'SUBMITTED',
    version: 1,
    submittedAt: at,
    updatedAt: at,
    declaration: declarationSchema.parse(JSON.parse(bytes.toString('utf8'))),
    submission: { ...archived, sha256, bytes: bytes.byteLength },
  };
  expect(await deps.repository.create(record)).toBe(true);
  return { record, bytes };
}
