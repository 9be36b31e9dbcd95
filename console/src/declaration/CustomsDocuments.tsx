/**
 * The documents customs issued for a declaration under its seal (assessment notice, release note):
 * each downloads as its sealed JSON at once and as a printable PDF, which is printed on the first
 * request where the region prints on request (docs/sealed-documents.md): meanwhile the page says
 * so and asks again after the time the API suggests.
 */
import { useState } from 'react';
import type { DeclarationDocument, DocumentDownload } from '#shared/domain/declaration-documents.ts';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { useDeclarationDocuments, useDocumentDownload } from '../api/hooks.ts';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { Time } from '../components/Time.tsx';
import { Section } from './sections.tsx';

const kindLabels: Record<string, string> = { ASSESSMENT_NOTICE: 'Assessment notice', RELEASE_NOTE: 'Release note' };

export function CustomsDocuments({ view }: { view: DeclarationView }) {
  const documents = useDeclarationDocuments(view.id, view.status === 'RELEASED');
  const issued = documents.data?.items.filter((document) => document.source === 'CUSTOMS') ?? [];
  if (issued.length === 0) return null;
  return (
    <Section id="customs-documents" title={`Customs documents (${issued.length})`}>
      <ul className="customs-documents">
        {issued.map((document) => (
          <IssuedDocument key={document.documentId} document={document} />
        ))}
      </ul>
    </Section>
  );
}

function IssuedDocument({ document }: { document: DeclarationDocument }) {
  const [asked, setAsked] = useState(false);
  const download = useDocumentDownload(document.documentId, asked);
  const label = kindLabels[document.kind] ?? document.kind;
  return (
    <li>
      <h3>{label}</h3>
      <p>
        Issued <Time value={document.at} />; its seal names SHA-256 <code className="hash">{document.documentSha256}</code>
      </p>
      {!asked ? (
        <button type="button" onClick={() => setAsked(true)}>
          Download {label.toLowerCase()}
        </button>
      ) : download.isError ? (
        <ErrorPanel
          title={`The ${label.toLowerCase()} could not be downloaded`}
          error={download.error}
          onRetry={() => download.refetch()}
        />
      ) : download.data ? (
        <DownloadLinks label={label} download={download.data} />
      ) : (
        <Loading>Getting the download links…</Loading>
      )}
    </li>
  );
}

function DownloadLinks({ label, download }: { label: string; download: DocumentDownload }) {
  const json = download.files.find((file) => file.contentType === 'application/json');
  const pdf = download.files.find((file) => file.contentType === 'application/pdf');
  return (
    <ul className="download-links" aria-label={`${label} files`}>
      {json && (
        <li>
          <a href={json.url} download={`${download.documentId}.json`}>
            {label}, sealed (JSON)
          </a>
        </li>
      )}
      {pdf ? (
        <li>
          <a href={pdf.url} download>
            {label}, printable copy (PDF)
          </a>
        </li>
      ) : (
        download.pdf?.status === 'printing' && (
          <li>
            <Loading>Preparing the PDF: asking again in {download.pdf.retryAfterSeconds} seconds…</Loading>
          </li>
        )
      )}
    </ul>
  );
}
