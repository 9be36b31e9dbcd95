/**
 * The public verification page (no sign-in): the QR code of a printed assessment notice or release
 * note leads here with the document's reference (`/verify?document=<id>&sha256=<hash>`), and the
 * page asks `POST /v1/verify` whether the sealed original is genuine, then shows it to compare with
 * the paper. Whoever holds the sealed JSON itself (a haulier, a bank) may choose the file instead.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { Verification } from '#shared/domain/sealed-document-schemas.ts';
import { verifyDocumentOperation } from '#shared/http/operations/sealed-documents.ts';
import { ApiError, call } from '../api/client.ts';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Time } from '../components/Time.tsx';

const kindNames: Record<string, string> = { RELEASE_NOTE: 'Release note', ASSESSMENT_NOTICE: 'Assessment notice' };

const reasons: Record<string, string> = {
  DOCUMENT_ALTERED: 'The document is not the one customs sealed: it was changed.',
  SEAL_INVALID: 'The seal is not a valid signature of customs.',
  SEAL_KEY_UNKNOWN: 'The seal was not made with any key customs publishes.',
  STATEMENT_MISMATCH: 'The seal belongs to another document or another declaration.',
};

type Body = { documentId: string; documentSha256: string } | { document: Record<string, unknown>; seal: string };

export function VerifyPage() {
  const [params] = useSearchParams();
  const documentId = params.get('document');
  const documentSha256 = params.get('sha256');
  const verify = useMutation({ mutationFn: (body: Body) => call(verifyDocumentOperation, { token: undefined, body }) });
  const { mutate } = verify;
  const [fileError, setFileError] = useState<string | undefined>();

  useEffect(() => {
    if (documentId && documentSha256) mutate({ documentId, documentSha256 });
  }, [documentId, documentSha256, mutate]);

  const chooseFile = async (file: File | undefined) => {
    if (!file) return;
    setFileError(undefined);
    try {
      mutate(JSON.parse(await file.text()) as Body);
    } catch {
      verify.reset();
      setFileError('That file is not JSON: choose the sealed document (.json) customs issued.');
    }
  };

  return (
    <>
      <PageHeading title="Verify a customs document" />
      <p>
        Check an assessment notice or a release note customs issued under its seal. Scan the QR code of a printed copy, or choose the sealed
        document (its <code>.json</code> file).
      </p>
      <p>
        <label>
          Sealed document (.json){' '}
          <input type="file" accept="application/json,.json" onChange={(event) => void chooseFile(event.target.files?.[0])} />
        </label>
      </p>
      {fileError && (
        <p className="error-panel" role="alert">
          {fileError}
        </p>
      )}
      {verify.isPending && <Loading>Checking the seal…</Loading>}
      {verify.isError && (
        <ErrorPanel
          title="The document could not be checked"
          error={verify.error}
          advice={
            verify.error instanceof ApiError && verify.error.status === 404
              ? 'Customs has no document with this reference: the QR code may be damaged or not one of customs. Treat the paper as not genuine.'
              : undefined
          }
        />
      )}
      {verify.data && <Verdict verification={verify.data} />}
    </>
  );
}

function Verdict({ verification }: { verification: Verification }) {
  if (!verification.genuine) {
    return (
      <section className="verdict verdict-not-genuine" aria-live="polite">
        <h2>Not genuine</h2>
        <p>{reasons[verification.reason] ?? verification.message}</p>
      </section>
    );
  }
  const document = verification.document as
    | { ucr?: string; lrn?: string; duties?: { total?: string; currency?: string } | null; office?: string }
    | undefined;
  return (
    <section className="verdict verdict-genuine" aria-live="polite">
      <h2>Genuine</h2>
      <dl>
        <dt>Document</dt>
        <dd>{kindNames[verification.kind] ?? verification.kind}</dd>
        <dt>Declaration</dt>
        <dd>
          <code>{verification.declarationId}</code>
        </dd>
        <dt>Issued</dt>
        <dd>
          <Time value={verification.issuedAt} />
        </dd>
        <dt>Sealed with key</dt>
        <dd>
          <code className="hash">{verification.kid}</code> ({verification.alg})
        </dd>
        {document?.ucr && (
          <>
            <dt>UCR</dt>
            <dd>{document.ucr}</dd>
          </>
        )}
        {document?.lrn && (
          <>
            <dt>LRN</dt>
            <dd>{document.lrn}</dd>
          </>
        )}
        {document?.office && (
          <>
            <dt>Office</dt>
            <dd>{document.office}</dd>
          </>
        )}
        {document?.duties?.total && (
          <>
            <dt>Duties and taxes</dt>
            <dd>
              {document.duties.total} {document.duties.currency}
            </dd>
          </>
        )}
      </dl>
      {document && <p>Compare these with the paper: a printed copy that differs is not the document customs sealed.</p>}
    </section>
  );
}
