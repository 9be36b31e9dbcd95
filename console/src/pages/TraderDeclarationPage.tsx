/**
 * A trader's page of one of its declarations: what traders may see (lane and assessment, not the
 * risk outcome or customs' notes), the documents customs asked for and those it issued under its
 * seal (sealed JSON and PDF, printed on request), its amendments, and amending
 * or withdrawing it before release.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useParams } from 'react-router';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { type CancelRequest, cancelRequestSchema } from '#shared/domain/review.ts';
import { useCancel, useDeclaration } from '../api/hooks.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Notice } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { CustomsDocuments } from '../declaration/CustomsDocuments.tsx';
import { DeclarationLoadState } from '../declaration/DeclarationLoadState.tsx';
import { Documents } from '../declaration/Documents.tsx';
import { Duty, History, InspectionDetail, Items, Outcome, Parties, PaymentsDue, Section, Summary } from '../declaration/sections.tsx';
import { requestResolver } from '../forms.ts';
import { AmendForm } from '../trader/AmendForm.tsx';
import { DocumentRequests } from '../trader/DocumentRequests.tsx';
import { Versions } from '../trader/Versions.tsx';

/** Statuses after which a declaration can no longer be withdrawn. */
const final = new Set(['RELEASED', 'REJECTED', 'CANCELLED', 'PROCESSING_FAILED']);

export function TraderDeclarationPage() {
  const { id = '' } = useParams();
  const declaration = useDeclaration(id);
  const view = declaration.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/declarations">My declarations</Link>
      </p>
      <PageHeading title={view ? `Declaration ${view.lrn}` : 'Declaration'} />
      <DeclarationLoadState id={id} declaration={declaration} back={<Link to="/declarations">your declarations</Link>} />
      {view && (
        <div className="declaration-layout">
          <div className="declaration-main">
            <Section id="summary" title="Summary">
              <Summary view={view} />
            </Section>
            <Outcome view={view} />
            <PaymentsDue view={view} />
            <DocumentRequests view={view} />
            <Documents view={view} />
            <CustomsDocuments view={view} />
            <Duty view={view} />
            <InspectionDetail view={view} />
            {view.declaration && (
              <>
                <Parties declaration={view.declaration} />
                <Items declaration={view.declaration} />
              </>
            )}
            <Versions view={view} />
            <History id={view.id} />
          </div>
          <div className="declaration-side">
            <TraderActions view={view} />
          </div>
        </div>
      )}
    </>
  );
}

function TraderActions({ view }: { view: DeclarationView }) {
  const cancel = useCancel(view.id);
  const [pending, setPending] = useState<CancelRequest | undefined>();
  const [done, setDone] = useState<string | undefined>();
  const form = useForm<{ reason: string }, unknown, CancelRequest>({
    resolver: requestResolver(cancelRequestSchema, (values: { reason: string }) => values),
    defaultValues: { reason: '' },
  });
  const open = !final.has(view.status);
  return (
    <Section id="actions" title="Actions">
      {done && <Notice>{done}</Notice>}
      {open && view.declaration && <AmendForm view={view} declaration={view.declaration} />}
      {open ? (
        <form
          className="action-block"
          noValidate
          aria-labelledby="cancel-heading"
          onSubmit={form.handleSubmit((request) => setPending(request))}
        >
          <h3 id="cancel-heading">Withdraw this declaration</h3>
          <p className="hint">Possible until customs releases it.</p>
          <Field label="Why you withdraw it" error={form.formState.errors.reason?.message}>
            {(control) => <textarea rows={2} {...control} {...form.register('reason')} />}
          </Field>
          <button type="submit" className="danger" disabled={cancel.isPending}>
            {cancel.isPending ? 'Withdrawing…' : 'Withdraw declaration'}
          </button>
          {cancel.isError && <ErrorPanel title="The declaration was not withdrawn" error={cancel.error} />}
          <ConfirmDialog
            open={pending !== undefined}
            title={`Withdraw declaration ${view.lrn}?`}
            confirmLabel="Withdraw"
            danger
            onCancel={() => setPending(undefined)}
            onConfirm={() => {
              const request = pending;
              setPending(undefined);
              if (!request) return;
              cancel.mutateAsync(request).then(
                () => {
                  form.reset();
                  setDone(`Declaration ${view.lrn} is cancelled.`);
                },
                () => {},
              );
            }}
          >
            <p>It will be cancelled for good: to import these goods you submit a new declaration.</p>
            {pending && (
              <p>
                Reason: <q>{pending.reason}</q>
              </p>
            )}
          </ConfirmDialog>
        </form>
      ) : (
        <p>
          This declaration is {view.status.replace(/_/g, ' ').toLowerCase()}: there is nothing more to do.{' '}
          <Link to="/declarations">Back to my declarations</Link>.
        </p>
      )}
    </Section>
  );
}
