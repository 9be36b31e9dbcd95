/**
 * The browser's half of a document upload: the file's SHA-256 (the API signs the upload URL for
 * it), then the PUT of the exact bytes to the presigned URL with the headers the API named.
 */
import type { DocumentUploadTicket } from '#shared/domain/documents.ts';

/** Hex SHA-256 of the file's bytes (Web Crypto: the page is a secure context, https or loopback). */
export async function sha256Hex(file: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Why a PUT to the archive failed, in words for the trader. */
export class UploadError extends Error {
  override name = 'UploadError';
}

/**
 * PUTs the file to the ticket's URL. Content-Length is the browser's to set (a forbidden header for
 * scripts); it sends the file's exact size, which is what the URL is signed for.
 */
export async function putDocument(ticket: DocumentUploadTicket, file: Blob): Promise<void> {
  const headers = Object.fromEntries(Object.entries(ticket.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
  let response: Response;
  try {
    response = await fetch(ticket.uploadUrl, { method: 'PUT', headers, body: file, credentials: 'omit' });
  } catch {
    throw new UploadError(
      'The document archive did not answer. Check your connection (locally: that the local cloud runs) and upload again.',
    );
  }
  if (!response.ok) {
    throw new UploadError(
      `The document archive refused the file (HTTP ${response.status}). The upload link lasts 5 minutes: upload the file again.`,
    );
  }
}
