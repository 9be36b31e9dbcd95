/**
 * What customs asked for, and one upload control per requested document: the file is hashed in the
 * browser, the API hands out a URL signed for its size, media type and SHA-256, the bytes go there,
 * and the page waits (reading the declaration every second) until the platform has checked them and
 * the declaration lists the document as received, or refused, or too long in coming.
 */
import { useEffect, useState } from 'react';
import { type FieldErrors, useForm } from 'react-hook-form';
import type { z } from 'zod';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { documentContentTypes, documentUploadRequestSchema } from '#shared/domain/documents.ts';
import { useDeclaration, useRefresh, useRequestUpload } from '../api/hooks.ts';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Loading, Notice } from '../components/feedback.tsx';
import { Section } from '../declaration/sections.tsx';
import { requestResolver } from '../forms.ts';
import { putDocument, sha256Hex, UploadError } from './upload.ts';
import './trader.css';

/** How long to wait for the platform to check an uploaded file before saying so. */
const WAIT_MS = 60_000;

/** What the form checks before any byte is read: the request's own schema, without the digest. */
const fileSchema = documentUploadRequestSchema.omit({ sha256: true });
interface UploadForm {
  ref: string;
  file: FileList | undefined;
}

type Step =
  | { kind: 'idle' }
  | { kind: 'sending'; what: string }
  | { kind: 'waiting'; documentId: string; since: number }
  | { kind: 'received'; documentId: string }
  | { kind: 'failed'; error: unknown };

export function DocumentRequests({ view }: { view: DeclarationView }) {
  // Shown from the request on (also once all are in: the page says what was received).
  const requested = view.decision?.action === 'REQUEST_DOCUMENTS' ? view.decision.documents : [];
  if (!requested || requested.length === 0) return null;
  return (
    <Section id="requested-documents" title="Documents customs asked for">
      {view.status === 'DOCUMENTS_REQUESTED' ? (
        <p>
          Upload each document as a PDF, PNG, JPEG or XML file of at most 10 MiB. Once the last one is received, customs reviews the
          declaration again.
        </p>
      ) : (
        <p>Customs is no longer waiting for documents.</p>
      )}
      {requested.map((document) => (
        <UploadOne key={`${document.type}:${document.reason}`} view={view} type={document.type} reason={document.reason} />
      ))}
    </Section>
  );
}

function UploadOne({ view, type, reason }: { view: DeclarationView; type: string; reason: string }) {
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const ask = useRequestUpload(view.id);
  const refresh = useRefresh(view.id);
  // Another reader of the declaration's query: while waiting, the declaration is read every second.
  useDeclaration(view.id, step.kind === 'waiting');
  const form = useForm<UploadForm, unknown, z.output<typeof fileSchema>>({
    resolver: requestResolver(fileSchema, (values: UploadForm) => {
      const file = values.file?.[0];
      return { type, ref: values.ref.trim(), contentType: file?.type ?? '', size: file?.size ?? 0 };
    }),
    defaultValues: { ref: '', file: undefined },
  });
  const headingId = `upload-${type}-heading`;
  const received = view.documents.filter((document) => document.type === type && document.status === 'RECEIVED');
  const open = view.status === 'DOCUMENTS_REQUESTED';
  const arrived = step.kind === 'waiting' ? view.documents.find((document) => document.documentId === step.documentId) : undefined;

  useEffect(() => {
    if (step.kind !== 'waiting') return;
    if (arrived?.status === 'RECEIVED') {
      setStep({ kind: 'received', documentId: step.documentId });
      // Its history and the trader's list changed too.
      void refresh();
    } else if (arrived?.status === 'REFUSED') {
      setStep({
        kind: 'failed',
        error: new UploadError(`Customs' archive refused the file: ${arrived.refusal?.reason}. Upload the right file again.`),
      });
    } else {
      const timer = setTimeout(
        () =>
          setStep({
            kind: 'failed',
            error: new UploadError(
              'The file was sent but the platform has not checked it within a minute. Reload the page later to see whether it was received; if not, upload it again.',
            ),
          }),
        Math.max(0, step.since + WAIT_MS - Date.now()),
      );
      return () => clearTimeout(timer);
    }
  }, [step, arrived, refresh]);

  const upload = async (ref: string, file: File): Promise<void> => {
    try {
      setStep({ kind: 'sending', what: 'Reading the file…' });
      const sha256 = await sha256Hex(file);
      setStep({ kind: 'sending', what: 'Asking customs for an upload link…' });
      const ticket = await ask.mutateAsync({
        type,
        ref,
        contentType: file.type as (typeof documentContentTypes)[number],
        size: file.size,
        sha256,
      });
      setStep({ kind: 'sending', what: 'Sending the file…' });
      await putDocument(ticket, file);
      setStep({ kind: 'waiting', documentId: ticket.documentId, since: Date.now() });
    } catch (error) {
      setStep({ kind: 'failed', error });
    }
  };

  const busy = step.kind === 'sending' || step.kind === 'waiting';
  // The schema speaks of the request: the file's problems are its size and media type.
  const errors: FieldErrors<UploadForm & { size: number; contentType: string }> = form.formState.errors;
  const chosen = form.watch('file')?.[0];
  const fileError = chosen
    ? (errors.size?.message ?? errors.contentType?.message)
    : errors.size || errors.contentType
      ? 'Choose the file to upload'
      : undefined;
  return (
    <form
      className="upload-request"
      aria-labelledby={headingId}
      noValidate
      onSubmit={form.handleSubmit(() => {
        const file = form.getValues('file')?.[0];
        if (file) void upload(form.getValues('ref').trim(), file);
      })}
    >
      <h3 id={headingId}>
        Document <code>{type}</code>
      </h3>
      <p>Customs: {reason}</p>
      {received.length > 0 && (
        <ul>
          {received.map((document) => (
            <li key={document.documentId}>
              Received: {document.ref}, SHA-256 <code className="hash">{document.sha256}</code>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <>
          <Field label={`Reference of document ${type}`} hint="Its number, e.g. the invoice number" error={errors.ref?.message}>
            {(control) => <input autoComplete="off" disabled={busy} {...control} {...form.register('ref')} />}
          </Field>
          <Field label={`File of document ${type}`} hint="PDF, PNG, JPEG or XML, at most 10 MiB" error={fileError}>
            {(control) => (
              <input type="file" accept={documentContentTypes.join(',')} disabled={busy} {...control} {...form.register('file')} />
            )}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            Upload document {type}
          </button>
        </>
      )}
      {step.kind === 'sending' && <Loading>{step.what}</Loading>}
      {step.kind === 'waiting' && <Loading>File sent. Waiting for customs' archive to check it…</Loading>}
      {step.kind === 'received' && <Notice>Document {type} received: customs has it.</Notice>}
      {step.kind === 'failed' &&
        (step.error instanceof UploadError ? (
          <div className="error-panel" role="alert">
            <p className="error-title">Document {type} was not received</p>
            <p>{step.error.message}</p>
          </div>
        ) : (
          <ErrorPanel title={`Document ${type} was not uploaded`} error={step.error} />
        ))}
    </form>
  );
}
