/**
 * What an officer does with a declaration under review: claim it (one officer at a time), record
 * an inspection that may correct items and re-assess, and decide (release, hold, request
 * documents, reject). Each asks for confirmation first; each request carries the version read
 * (If-Match), so a decision on a stale page is refused rather than applied.
 */
import { useState } from 'react';
import { useFieldArray, useForm } from 'react-hook-form';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { type InspectionRequest, inspectionRequestSchema } from '#shared/domain/inspection.ts';
import {
  type DecisionAction,
  type DecisionRequest,
  decisionActions,
  decisionRequestSchema,
  reviewableStatuses,
} from '#shared/domain/review.ts';
import { useClaim, useDecide, useInspect, useReleaseClaim } from '../api/hooks.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Notice } from '../components/feedback.tsx';
import { Time } from '../components/Time.tsx';
import { decisionLabels, money } from '../format.ts';
import { optionalText, requestResolver } from '../forms.ts';
import { usePeople } from '../people.ts';
import { type Session, useSignedIn } from '../session.tsx';
import { Section } from './sections.tsx';

type ClaimState = { kind: 'free' } | { kind: 'mine'; until: string } | { kind: 'other'; officerId: string; until: string };

export function claimState(view: DeclarationView, session: Session, now = Date.now()): ClaimState {
  const claim = view.claim;
  if (!claim || Date.parse(claim.until) <= now) return { kind: 'free' };
  if (claim.officerId === session.subject) return { kind: 'mine', until: claim.until };
  return { kind: 'other', officerId: claim.officerId, until: claim.until };
}

export function ClaimLine({ view }: { view: DeclarationView }) {
  const session = useSignedIn();
  const people = usePeople();
  const state = claimState(view, session);
  if (state.kind === 'free') return <span>Nobody is working on it</span>;
  return (
    <span>
      Claimed by {state.kind === 'mine' ? 'you' : people(state.officerId)} until <Time value={state.until} />
    </span>
  );
}

export function OfficerActions({ view }: { view: DeclarationView }) {
  const session = useSignedIn();
  const people = usePeople();
  const [done, setDone] = useState<string | undefined>();
  const reviewable = (reviewableStatuses as readonly string[]).includes(view.status);
  const state = claimState(view, session);

  if (session.role !== 'officer') {
    return (
      <Section id="actions" title="Actions">
        <p>Only customs officers claim and decide on declarations; you can read it.</p>
      </Section>
    );
  }
  return (
    <Section id="actions" title="Actions">
      {done && <Notice>{done}</Notice>}
      {!reviewable ? (
        <p>
          This declaration is not waiting for an officer (status {view.status.replace(/_/g, ' ').toLowerCase()}): there is nothing to
          decide.
        </p>
      ) : state.kind === 'other' ? (
        <p>
          {people(state.officerId)} is working on it until <Time value={state.until} />. You can act on it once they let it go or the claim
          expires.
        </p>
      ) : state.kind === 'free' ? (
        <ClaimButton view={view} onDone={setDone} />
      ) : (
        <>
          <LetGoButton view={view} onDone={setDone} />
          {view.status !== 'DOCUMENTS_REQUESTED' && <InspectionForm view={view} onDone={setDone} />}
          <DecisionForm view={view} onDone={setDone} />
        </>
      )}
    </Section>
  );
}

function ClaimButton({ view, onDone }: { view: DeclarationView; onDone: (message: string) => void }) {
  const claim = useClaim(view.id);
  const [asking, setAsking] = useState(false);
  return (
    <div className="action-block">
      <p>Claim it to inspect and decide: other officers cannot act on it while you hold it.</p>
      <button type="button" className="primary" disabled={claim.isPending} onClick={() => setAsking(true)}>
        {claim.isPending ? 'Claiming…' : 'Claim this declaration'}
      </button>
      {claim.isError && <ErrorPanel title="The declaration could not be claimed" error={claim.error} />}
      <ConfirmDialog
        open={asking}
        title={`Claim declaration ${view.lrn}?`}
        confirmLabel="Claim"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          // Not mutate's onSuccess: this button is gone once the claim is read back, and the message outlives it.
          claim.mutateAsync().then(
            () => onDone(`You claimed declaration ${view.lrn}.`),
            () => {},
          );
        }}
      >
        <p>You will hold it for 30 minutes (claim it again to extend). Other officers cannot inspect or decide on it meanwhile.</p>
      </ConfirmDialog>
    </div>
  );
}

function LetGoButton({ view, onDone }: { view: DeclarationView; onDone: (message: string) => void }) {
  const release = useReleaseClaim(view.id);
  const [asking, setAsking] = useState(false);
  return (
    <div className="action-block">
      <p>
        You hold this declaration. <ClaimLine view={view} />.
      </p>
      <button type="button" disabled={release.isPending} onClick={() => setAsking(true)}>
        Let it go
      </button>
      {release.isError && <ErrorPanel title="The claim could not be let go" error={release.error} />}
      <ConfirmDialog
        open={asking}
        title={`Let go of declaration ${view.lrn}?`}
        confirmLabel="Let it go"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          release.mutateAsync().then(
            () => onDone(`You let go of declaration ${view.lrn}; a colleague can claim it.`),
            () => {},
          );
        }}
      >
        <p>Another officer can then claim it. Nothing you recorded is lost.</p>
      </ConfirmDialog>
    </div>
  );
}

interface DecisionForm {
  action: DecisionAction | '';
  message: string;
  note: string;
  documents: { type: string; reason: string }[];
}

const toDecisionRequest = (form: DecisionForm): unknown => ({
  ...(form.action ? { action: form.action } : {}),
  ...(optionalText(form.message) !== undefined ? { message: optionalText(form.message) } : {}),
  ...(optionalText(form.note) !== undefined ? { note: optionalText(form.note) } : {}),
  ...(form.action === 'REQUEST_DOCUMENTS'
    ? { documents: form.documents.map((document) => ({ type: document.type.trim().toUpperCase(), reason: document.reason })) }
    : {}),
});

const decisionHints: Record<DecisionAction, string> = {
  RELEASE: 'The goods may leave customs control.',
  HOLD: 'The goods stay; it remains in the queue.',
  REQUEST_DOCUMENTS: 'The trader must provide the documents you name.',
  REJECT: 'The declaration is refused; the trader must declare again.',
};

function DecisionForm({ view, onDone }: { view: DeclarationView; onDone: (message: string) => void }) {
  const decide = useDecide(view.id);
  const [pending, setPending] = useState<DecisionRequest | undefined>();
  const form = useForm<DecisionForm, unknown, DecisionRequest>({
    resolver: requestResolver(decisionRequestSchema, toDecisionRequest),
    defaultValues: { action: '', message: '', note: '', documents: [{ type: '', reason: '' }] },
  });
  const documents = useFieldArray({ control: form.control, name: 'documents' });
  const action = form.watch('action');
  const { errors } = form.formState;

  return (
    <form
      className="action-block"
      aria-labelledby="decision-heading"
      noValidate
      onSubmit={form.handleSubmit((request) => setPending(request))}
    >
      <h3 id="decision-heading">Decide</h3>
      <fieldset aria-describedby={errors.action ? 'decision-action-error' : undefined}>
        <legend>Decision</legend>
        {errors.action && (
          <p className="field-error" id="decision-action-error">
            <span className="visually-hidden">Error: </span>Choose a decision
          </p>
        )}
        <ul className="choice-list">
          {decisionActions.map((value) => (
            <li key={value} className="choice">
              <input type="radio" id={`decision-${value}`} value={value} {...form.register('action')} />
              <label htmlFor={`decision-${value}`}>
                <span className="choice-name">{decisionLabels[value]}</span>
                <span className="choice-detail">{decisionHints[value]}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <Field
        label={`Message to the trader${action === 'RELEASE' || action === '' ? ' (optional for a release)' : ''}`}
        hint="The trader reads this."
        error={errors.message?.message}
      >
        {(control) => <textarea rows={3} {...control} {...form.register('message')} />}
      </Field>
      <Field label="Internal note (optional)" hint="Customs only: never shown to the trader." error={errors.note?.message}>
        {(control) => <textarea rows={2} {...control} {...form.register('note')} />}
      </Field>
      {action === 'REQUEST_DOCUMENTS' && (
        <fieldset>
          <legend>Documents to request</legend>
          {errors.documents?.message && <p className="field-error">{errors.documents.message}</p>}
          {documents.fields.map((field, index) => (
            <div key={field.id} className="row-group">
              <Field
                label={`Document ${index + 1} code`}
                hint="CDS document code, e.g. N935 (invoice)"
                error={errors.documents?.[index]?.type?.message}
              >
                {(control) => (
                  <input className="code-input" autoComplete="off" {...control} {...form.register(`documents.${index}.type`)} />
                )}
              </Field>
              <Field label={`Document ${index + 1}: why it is needed`} error={errors.documents?.[index]?.reason?.message}>
                {(control) => <input {...control} {...form.register(`documents.${index}.reason`)} />}
              </Field>
              {documents.fields.length > 1 && (
                <button type="button" onClick={() => documents.remove(index)}>
                  Remove document {index + 1}
                </button>
              )}
            </div>
          ))}
          <button type="button" onClick={() => documents.append({ type: '', reason: '' })}>
            Add a document
          </button>
        </fieldset>
      )}
      <button type="submit" className="primary" disabled={decide.isPending}>
        {decide.isPending ? 'Sending the decision…' : 'Continue'}
      </button>
      {decide.isError && <ErrorPanel title="The decision was not recorded" error={decide.error} />}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? `${decisionLabels[pending.action]} declaration ${view.lrn}?` : ''}
        confirmLabel={pending ? decisionLabels[pending.action] : 'Confirm'}
        danger={pending?.action === 'REJECT'}
        onCancel={() => setPending(undefined)}
        onConfirm={() => {
          const request = pending;
          setPending(undefined);
          if (!request) return;
          // Not mutate's own onSuccess: a decision other than HOLD lets the claim go, so this form is
          // unmounted once the declaration is read back, and mutate's callbacks never fire after that.
          decide.mutateAsync({ request, version: view.version }).then(
            (entry) => {
              form.reset();
              onDone(`${decisionLabels[request.action]}: declaration ${view.lrn} is now ${entry.status.replace(/_/g, ' ').toLowerCase()}.`);
            },
            () => {},
          );
        }}
      >
        {pending && (
          <>
            <p>{decisionHints[pending.action]}</p>
            {pending.message ? (
              <p>
                The trader will read: <q>{pending.message}</q>
              </p>
            ) : (
              <p>No message for the trader.</p>
            )}
            {pending.documents && (
              <ul>
                {pending.documents.map((document) => (
                  <li key={`${document.type}:${document.reason}`}>
                    {document.type}: {document.reason}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </ConfirmDialog>
    </form>
  );
}

interface CorrectionRow {
  itemIndex: string;
  commodityCode: string;
  origin: string;
  netMassKg: string;
  invoiceAmount: string;
}
interface InspectionForm {
  result: 'NO_DISCREPANCY' | 'DISCREPANCY' | '';
  findings: string;
  corrections: CorrectionRow[];
}

const emptyCorrection: CorrectionRow = { itemIndex: '0', commodityCode: '', origin: '', netMassKg: '', invoiceAmount: '' };

const toInspectionRequest = (form: InspectionForm): unknown => ({
  ...(form.result ? { result: form.result } : {}),
  findings: form.findings,
  corrections:
    form.result === 'DISCREPANCY'
      ? form.corrections.map((row) => {
          const fields = {
            commodityCode: optionalText(row.commodityCode),
            origin: optionalText(row.origin)?.toUpperCase(),
            netMassKg: optionalText(row.netMassKg),
            invoiceAmount: optionalText(row.invoiceAmount),
          };
          // Only the fields given: an empty field is not a correction.
          return {
            itemIndex: Number(row.itemIndex),
            ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
          };
        })
      : [],
});

function InspectionForm({ view, onDone }: { view: DeclarationView; onDone: (message: string) => void }) {
  const inspect = useInspect(view.id);
  const [pending, setPending] = useState<InspectionRequest | undefined>();
  const form = useForm<InspectionForm, unknown, InspectionRequest>({
    resolver: requestResolver(inspectionRequestSchema, toInspectionRequest),
    defaultValues: { result: '', findings: '', corrections: [{ ...emptyCorrection }] },
  });
  const corrections = useFieldArray({ control: form.control, name: 'corrections' });
  const result = form.watch('result');
  const { errors } = form.formState;
  const items = view.declaration?.items ?? [];
  const invoiceCurrency = view.declaration?.valuation.currency ?? '';
  const currency = view.assessment?.currency ?? '';

  return (
    <form
      className="action-block"
      aria-labelledby="inspection-form-heading"
      noValidate
      onSubmit={form.handleSubmit((request) => setPending(request))}
    >
      <h3 id="inspection-form-heading">Record an inspection</h3>
      <p className="hint">
        Corrections re-assess the declaration with the tariff in force when it was accepted; you see the difference before deciding.
      </p>
      <fieldset aria-describedby={errors.result ? 'inspection-result-error' : undefined}>
        <legend>Result</legend>
        {errors.result && (
          <p className="field-error" id="inspection-result-error">
            <span className="visually-hidden">Error: </span>Choose a result
          </p>
        )}
        <ul className="choice-list">
          <li className="choice">
            <input type="radio" id="result-none" value="NO_DISCREPANCY" {...form.register('result')} />
            <label htmlFor="result-none">
              <span className="choice-name">No discrepancy</span>
              <span className="choice-detail">The goods are as declared.</span>
            </label>
          </li>
          <li className="choice">
            <input type="radio" id="result-discrepancy" value="DISCREPANCY" {...form.register('result')} />
            <label htmlFor="result-discrepancy">
              <span className="choice-name">Discrepancy</span>
              <span className="choice-detail">Something differs: correct the items below.</span>
            </label>
          </li>
        </ul>
      </fieldset>
      <Field label="Findings" hint="Customs only: never shown to the trader." error={errors.findings?.message}>
        {(control) => <textarea rows={3} {...control} {...form.register('findings')} />}
      </Field>
      {result === 'DISCREPANCY' && (
        <fieldset>
          <legend>Corrections</legend>
          <p className="hint">Fill in only what differs from the declaration.</p>
          {errors.corrections?.message && <p className="field-error">{errors.corrections.message}</p>}
          {corrections.fields.map((field, index) => {
            const rowErrors = errors.corrections?.[index];
            const selected = items[Number(form.watch(`corrections.${index}.itemIndex`))];
            const rowMessage = (rowErrors as { message?: string } | undefined)?.message ?? rowErrors?.root?.message;
            return (
              <div key={field.id} className="row-group">
                {rowMessage && <p className="field-error">{rowMessage}</p>}
                <Field label={`Correction ${index + 1}: item`} error={rowErrors?.itemIndex?.message}>
                  {(control) => (
                    <select {...control} {...form.register(`corrections.${index}.itemIndex`)}>
                      {items.map((item, itemIndex) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: the declaration's items, in their fixed order (the index is the item)
                        <option key={`${itemIndex}:${item.commodityCode}`} value={String(itemIndex)}>
                          Item {itemIndex + 1}: {item.commodityCode} {item.description.slice(0, 40)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <div className="field-grid">
                  <Field
                    label="Commodity code"
                    hint={selected ? `Declared: ${selected.commodityCode}` : undefined}
                    error={rowErrors?.commodityCode?.message}
                  >
                    {(control) => (
                      <input inputMode="numeric" autoComplete="off" {...control} {...form.register(`corrections.${index}.commodityCode`)} />
                    )}
                  </Field>
                  <Field label="Origin" hint={selected ? `Declared: ${selected.origin}` : undefined} error={rowErrors?.origin?.message}>
                    {(control) => (
                      <input className="code-input" autoComplete="off" {...control} {...form.register(`corrections.${index}.origin`)} />
                    )}
                  </Field>
                  <Field
                    label="Net mass (kg)"
                    hint={selected ? `Declared: ${selected.netMassKg}` : undefined}
                    error={rowErrors?.netMassKg?.message}
                  >
                    {(control) => (
                      <input inputMode="decimal" autoComplete="off" {...control} {...form.register(`corrections.${index}.netMassKg`)} />
                    )}
                  </Field>
                  <Field
                    label={`Invoice amount (${invoiceCurrency})`}
                    hint={selected ? `Declared: ${money(selected.invoiceAmount, invoiceCurrency)}` : undefined}
                    error={rowErrors?.invoiceAmount?.message}
                  >
                    {(control) => (
                      <input inputMode="decimal" autoComplete="off" {...control} {...form.register(`corrections.${index}.invoiceAmount`)} />
                    )}
                  </Field>
                </div>
                {corrections.fields.length > 1 && (
                  <button type="button" onClick={() => corrections.remove(index)}>
                    Remove correction {index + 1}
                  </button>
                )}
              </div>
            );
          })}
          {corrections.fields.length < items.length && (
            <button type="button" onClick={() => corrections.append({ ...emptyCorrection, itemIndex: String(corrections.fields.length) })}>
              Correct another item
            </button>
          )}
        </fieldset>
      )}
      <button type="submit" className="primary" disabled={inspect.isPending}>
        {inspect.isPending ? 'Recording…' : 'Continue'}
      </button>
      {inspect.isError && <ErrorPanel title="The inspection was not recorded" error={inspect.error} />}
      <ConfirmDialog
        open={pending !== undefined}
        title={`Record the inspection of ${view.lrn}?`}
        confirmLabel="Record inspection"
        onCancel={() => setPending(undefined)}
        onConfirm={() => {
          const request = pending;
          setPending(undefined);
          if (!request) return;
          inspect.mutateAsync({ request, version: view.version }).then(
            (updated) => {
              form.reset();
              const difference = updated.inspection?.difference;
              onDone(
                difference
                  ? `Inspection recorded. Re-assessed: ${difference.outcome === 'NO_CHANGE' ? 'no change' : `${difference.outcome === 'ADDITIONAL_AMOUNT_DUE' ? 'additional amount due' : 'amount to repay'} ${money(difference.total.replace(/^-/, ''), updated.reassessment?.currency ?? currency)}`}; see the inspection below.`
                  : 'Inspection recorded.',
              );
            },
            () => {},
          );
        }}
      >
        {pending && (
          <>
            <p>{pending.result === 'DISCREPANCY' ? 'Discrepancy found.' : 'No discrepancy.'}</p>
            {pending.corrections.length > 0 ? (
              <>
                <p>These corrections re-assess the declaration:</p>
                <ul>
                  {pending.corrections.map((correction) => (
                    <li key={correction.itemIndex}>
                      Item {correction.itemIndex + 1}:{' '}
                      {[
                        correction.commodityCode && `commodity code ${correction.commodityCode}`,
                        correction.origin && `origin ${correction.origin}`,
                        correction.netMassKg && `net mass ${correction.netMassKg} kg`,
                        correction.invoiceAmount && `invoice amount ${money(correction.invoiceAmount, invoiceCurrency)}`,
                      ]
                        .filter(Boolean)
                        .join('; ')}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p>No corrections: the assessment stays as it is.</p>
            )}
          </>
        )}
      </ConfirmDialog>
    </form>
  );
}
