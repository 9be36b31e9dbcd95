/**
 * Amending a declaration before release: the corrected declaration, whole, with the same LRN. The
 * simple parts are fields; the items are JSON in a text area. Both are checked with the API's own
 * declaration schema (field names follow its paths, so its messages land on their fields), then
 * sent with If-Match: the version this form was filled in from, so a declaration that moved on
 * meanwhile is refused (412) rather than overwritten.
 */
import { useState } from 'react';
import { type FieldErrors, useForm } from 'react-hook-form';
import { type Declaration, type DeclarationInput, declarationSchema, incoterms } from '#shared/domain/declaration.ts';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { useAmend } from '../api/hooks.ts';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Notice } from '../components/feedback.tsx';
import { optionalText, requestResolver } from '../forms.ts';
import './trader.css';

interface AmendForm {
  procedureCode: string;
  office: string;
  consignment: { arrivalDate: string; grossMassKg: string; transportDocument: { ref: string } };
  valuation: { currency: string; incoterm: string; invoiceTotal: string; freight: string; insurance: string };
  /** The items as JSON text. */
  items: string;
}

const formFrom = (declaration: Declaration): AmendForm => ({
  procedureCode: declaration.procedureCode,
  office: declaration.office,
  consignment: {
    arrivalDate: declaration.consignment.arrivalDate,
    grossMassKg: declaration.consignment.grossMassKg,
    transportDocument: { ref: declaration.consignment.transportDocument.ref },
  },
  valuation: {
    currency: declaration.valuation.currency,
    incoterm: declaration.valuation.incoterm,
    invoiceTotal: declaration.valuation.invoiceTotal,
    freight: declaration.valuation.freight ?? '',
    insurance: declaration.valuation.insurance ?? '',
  },
  items: JSON.stringify(declaration.items, null, 2),
});

/** Text that is no JSON: left as it is, so that the schema says the items are not a list. */
const parseItems = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** The whole new body: the form's parts over the declaration as it stands (LRN, parties unchanged). */
const toDeclaration =
  (base: Declaration) =>
  (form: AmendForm): unknown => {
    const { freight, insurance, ...valuation } = form.valuation;
    const freightAmount = optionalText(freight);
    const insuranceAmount = optionalText(insurance);
    return {
      ...base,
      procedureCode: form.procedureCode.trim(),
      office: form.office.trim().toUpperCase(),
      consignment: {
        ...base.consignment,
        arrivalDate: form.consignment.arrivalDate.trim(),
        grossMassKg: form.consignment.grossMassKg.trim(),
        transportDocument: { ...base.consignment.transportDocument, ref: form.consignment.transportDocument.ref.trim() },
      },
      valuation: {
        currency: valuation.currency.trim().toUpperCase(),
        incoterm: valuation.incoterm,
        invoiceTotal: valuation.invoiceTotal.trim(),
        ...(freightAmount ? { freight: freightAmount } : {}),
        ...(insuranceAmount ? { insurance: insuranceAmount } : {}),
      },
      items: parseItems(form.items),
    };
  };

/** Every message under the items, with where it is (`items[0].invoiceAmount`). */
function itemProblems(errors: unknown, at = 'items'): string[] {
  if (!errors || typeof errors !== 'object') return [];
  const here = 'message' in errors && typeof errors.message === 'string' ? [`${at}: ${errors.message}`] : [];
  const nested = Object.entries(errors)
    .filter(([key]) => key !== 'message' && key !== 'type' && key !== 'ref' && key !== 'types')
    .flatMap(([key, value]) => itemProblems(value, /^\d+$/.test(key) ? `${at}[${key}]` : `${at}.${key}`));
  return [...here, ...nested];
}

export function AmendForm({ view, declaration }: { view: DeclarationView; declaration: Declaration }) {
  const amend = useAmend(view.id);
  const [done, setDone] = useState<string | undefined>();
  const form = useForm<AmendForm, unknown, Declaration>({
    resolver: requestResolver(declarationSchema, toDeclaration(declaration)),
    defaultValues: formFrom(declaration),
  });
  const errors: FieldErrors<AmendForm> = form.formState.errors;
  const items = itemProblems(errors.items);

  return (
    <form
      className="action-block"
      aria-labelledby="amend-heading"
      noValidate
      onSubmit={form.handleSubmit((amended) => {
        setDone(undefined);
        amend.mutate(
          { declaration: amended as DeclarationInput, version: view.version },
          {
            onSuccess: (receipt) => {
              form.reset(formFrom(amended));
              setDone(`Amendment ${receipt.amendment} sent: the declaration is checked, scored and assessed again.`);
            },
          },
        );
      })}
    >
      <h3 id="amend-heading">Amend this declaration</h3>
      <p className="hint">
        Possible until customs releases it. The amended declaration keeps its LRN ({view.lrn}) and is checked, scored and assessed again
        from the start; the earlier version stays readable.
      </p>
      {done && <Notice>{done}</Notice>}
      <div className="field-grid">
        <Field label="Procedure code" error={errors.procedureCode?.message}>
          {(control) => <input inputMode="numeric" autoComplete="off" {...control} {...form.register('procedureCode')} />}
        </Field>
        <Field label="Customs office" error={errors.office?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('office')} />}
        </Field>
        <Field label="Arrival date" hint="YYYY-MM-DD" error={errors.consignment?.arrivalDate?.message}>
          {(control) => <input autoComplete="off" {...control} {...form.register('consignment.arrivalDate')} />}
        </Field>
        <Field label="Gross mass (kg)" error={errors.consignment?.grossMassKg?.message}>
          {(control) => <input inputMode="decimal" autoComplete="off" {...control} {...form.register('consignment.grossMassKg')} />}
        </Field>
        <Field label="Transport document reference" error={errors.consignment?.transportDocument?.ref?.message}>
          {(control) => <input autoComplete="off" {...control} {...form.register('consignment.transportDocument.ref')} />}
        </Field>
        <Field label="Invoice currency" error={errors.valuation?.currency?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('valuation.currency')} />}
        </Field>
        <Field label="Incoterm" error={errors.valuation?.incoterm?.message}>
          {(control) => (
            <select {...control} {...form.register('valuation.incoterm')}>
              {incoterms.map((incoterm) => (
                <option key={incoterm} value={incoterm}>
                  {incoterm}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Invoice total" error={errors.valuation?.invoiceTotal?.message}>
          {(control) => <input inputMode="decimal" autoComplete="off" {...control} {...form.register('valuation.invoiceTotal')} />}
        </Field>
        <Field label="Freight (optional)" error={errors.valuation?.freight?.message}>
          {(control) => <input inputMode="decimal" autoComplete="off" {...control} {...form.register('valuation.freight')} />}
        </Field>
        <Field label="Insurance (optional)" error={errors.valuation?.insurance?.message}>
          {(control) => <input inputMode="decimal" autoComplete="off" {...control} {...form.register('valuation.insurance')} />}
        </Field>
      </div>
      <Field
        label="Items (JSON)"
        hint={'The goods as a JSON list, one object per item; amounts and masses as strings such as "5000.00".'}
        error={items.length === 1 ? items[0] : items.length > 1 ? `${items.length} problems in the items` : undefined}
      >
        {(control) => <textarea className="json-editor" spellCheck={false} rows={14} {...control} {...form.register('items')} />}
      </Field>
      {items.length > 1 && (
        <ul className="problem-list field-error">
          {items.map((problem) => (
            <li key={problem}>
              <code>{problem}</code>
            </li>
          ))}
        </ul>
      )}
      <button type="submit" className="primary" disabled={amend.isPending}>
        {amend.isPending ? 'Sending the amendment…' : 'Send amendment'}
      </button>
      {amend.isError && <ErrorPanel title="The amendment was not accepted" error={amend.error} />}
    </form>
  );
}
