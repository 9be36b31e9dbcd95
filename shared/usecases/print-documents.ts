/**
 * Printing queue worker: the printable copy (PDF) of each sealed document of a declaration that
 * has none yet, rendered apart from the seal (pdf-lib is large: the sealing function stays small
 * and fast), archived write-once beside the sealed JSON and noted on the document's record. The
 * PDF's QR code leads to the verification page with the document's reference.
 */
import { createHash } from 'node:crypto';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { issuedDocumentId } from '#shared/domain/declaration-documents.ts';
import type { PipelineMessage } from '#shared/domain/declaration-record.ts';
import { customsDocumentSchema, verificationUrl } from '#shared/domain/sealed-documents.ts';
import type { ArchiveReader, DocumentArchive } from '#shared/ports/document-archive.ts';
import type { IssuedDocuments } from '#shared/ports/document-seal.ts';
import { renderDocumentPdf } from '#shared/printing/document-pdf.ts';
import { readIssuedBytes } from './read-issued-document.ts';

export interface PrintDeps {
  issued: IssuedDocuments;
  archive: DocumentArchive & ArchiveReader;
  /** The console's public address: its `/verify` page is where the QR codes lead. */
  publicSiteUrl: string;
}

/**
 * Prints the sealed documents of the message's declaration version (the history event they
 * document: one at issue, the one a download asked for) that have no PDF yet; the number printed.
 */
export async function printDocuments(message: PipelineMessage, deps: PrintDeps): Promise<number> {
  let printed = 0;
  for (const issued of await deps.issued.list(message.declarationId)) {
    if (issued.pdf || issued.version !== message.version) continue;
    const sealed = JSON.parse((await readIssuedBytes(issued, deps.archive)).toString('utf8')) as { document: unknown };
    const document = customsDocumentSchema.parse(sealed.document);
    const documentId = issuedDocumentId(issued.declarationId, issued.kind, issued.version);
    const body = await renderDocumentPdf(document, {
      documentId,
      documentSha256: issued.documentSha256,
      kid: issued.kid,
      verificationUrl: verificationUrl(deps.publicSiteUrl, documentId, issued.documentSha256),
    });
    const sha256 = createHash('sha256').update(body).digest('hex');
    const archiveKey = archiveKeys.issuedPdf(issued.declarationId, issued.kind, sha256);
    await deps.archive.put({ key: archiveKey, body, contentType: 'application/pdf', sha256 });
    if (await deps.issued.attachPdf(issued.declarationId, issued.kind, issued.version, { archiveKey, sha256, bytes: body.byteLength }))
      printed += 1;
  }
  return printed;
}
