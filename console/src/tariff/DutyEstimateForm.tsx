/**
 * A duty estimate for one line of goods: what it would owe per tax type, each line's calculation
 * and the total, from the API's own calculation (`POST /v1/duty-estimates`; nothing is stored).
 * Used by officers on the tariff page and by traders on their estimate page.
 */
import { useId } from 'react';
import { useForm } from 'react-hook-form';
import { type Declaration, declarationSchema, incoterms } from '#shared/domain/declaration.ts';
import { useDutyEstimate } from '../api/tariff.ts';
import { Field } from '../components/Field.tsx';
import { ErrorPanel } from '../components/feedback.tsx';
import { AssessmentDetail } from '../declaration/sections.tsx';
import { requestResolver, showProblemsAtFields } from '../forms.ts';
import { useSession } from '../session.tsx';
import { type EstimateFormValues, emptyEstimate, estimateFieldOf, toEstimateRequest } from './estimate-form-values.ts';

const preferences: Record<string, string> = {
  '100': '100: third-country duty',
  '300': '300: tariff preference (proof of origin held)',
};

export function DutyEstimateForm({ defaultValues = emptyEstimate }: { defaultValues?: EstimateFormValues }) {
  const { session } = useSession();
  const party = session?.role === 'trader' ? session.party : null;
  const estimate = useDutyEstimate();
  const headingId = useId();
  const form = useForm<EstimateFormValues, unknown, Declaration>({
    resolver: requestResolver(declarationSchema, (values: EstimateFormValues) =>
      toEstimateRequest(values, party, new Date().toISOString().slice(0, 10)),
    ),
    defaultValues,
  });
  const errors = form.formState.errors;
  const item = errors.items?.[0];
  const quantity = item?.quantities?.[0];
  const alcohol = item?.alcohol;
  const currency = form.watch('valuation.currency').trim().toUpperCase() || 'currency';

  return (
    <form
      aria-label="Duty estimate"
      noValidate
      onSubmit={form.handleSubmit((declaration) =>
        estimate
          .mutateAsync(declaration)
          .catch((error: unknown) => showProblemsAtFields(error, estimateFieldOf, (field, problem) => form.setError(field, problem))),
      )}
    >
      <div className="field-grid">
        <Field label="Commodity code" hint="8 or 10 digits, e.g. 7202210000" error={item?.commodityCode?.message}>
          {(control) => (
            <input className="code-input" inputMode="numeric" autoComplete="off" {...control} {...form.register('items.0.commodityCode')} />
          )}
        </Field>
        <Field label="Country of origin" hint="Two letters, e.g. CN" error={item?.origin?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('items.0.origin')} />}
        </Field>
        <Field label="Preference" error={item?.preference?.message}>
          {(control) => (
            <select {...control} {...form.register('items.0.preference')}>
              {Object.entries(preferences).map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="field-grid">
        <Field label={`Invoice amount (${currency})`} hint="The price of the goods, e.g. 5000.00" error={item?.invoiceAmount?.message}>
          {(control) => (
            <input className="code-input" inputMode="decimal" autoComplete="off" {...control} {...form.register('items.0.invoiceAmount')} />
          )}
        </Field>
        <Field label="Currency" hint="ISO 4217, e.g. GBP or USD" error={errors.valuation?.currency?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('valuation.currency')} />}
        </Field>
        <Field label="Incoterm" hint="What the price includes" error={errors.valuation?.incoterm?.message}>
          {(control) => (
            <select {...control} {...form.register('valuation.incoterm')}>
              {incoterms.map((term) => (
                <option key={term} value={term}>
                  {term}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="field-grid">
        <Field
          label={`Freight to the border (${currency}, optional)`}
          hint="Added to the customs value when the price excludes it"
          error={errors.valuation?.freight?.message}
        >
          {(control) => (
            <input className="code-input" inputMode="decimal" autoComplete="off" {...control} {...form.register('valuation.freight')} />
          )}
        </Field>
        <Field label={`Insurance (${currency}, optional)`} error={errors.valuation?.insurance?.message}>
          {(control) => (
            <input className="code-input" inputMode="decimal" autoComplete="off" {...control} {...form.register('valuation.insurance')} />
          )}
        </Field>
      </div>
      <div className="field-grid">
        <Field label="Net mass (kg)" error={item?.netMassKg?.message}>
          {(control) => (
            <input className="code-input" inputMode="decimal" autoComplete="off" {...control} {...form.register('items.0.netMassKg')} />
          )}
        </Field>
        <Field label="Supplementary quantity (optional)" hint="When the tariff asks for one, e.g. 200" error={quantity?.value?.message}>
          {(control) => (
            <input
              className="code-input"
              inputMode="decimal"
              autoComplete="off"
              {...control}
              {...form.register('items.0.quantities.0.value')}
            />
          )}
        </Field>
        <Field label="Its unit" hint="e.g. NAR (items), LTR, KGM" error={quantity?.unit?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('items.0.quantities.0.unit')} />}
        </Field>
      </div>
      <fieldset>
        <legend>Alcohol (headings 2203 to 2208)</legend>
        <div className="field-grid">
          <Field label="Alcohol duty tax type" hint="e.g. X333 (wine of 8.5% to 22%)" error={alcohol?.taxType?.message}>
            {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('items.0.alcohol.taxType')} />}
          </Field>
          <Field label="Strength (% vol)" hint="As on the label, e.g. 13" error={alcohol?.strength?.message}>
            {(control) => (
              <input
                className="code-input"
                inputMode="decimal"
                autoComplete="off"
                {...control}
                {...form.register('items.0.alcohol.strength')}
              />
            )}
          </Field>
          <Field label="Litres" hint="Litres of product; pure alcohol = litres x strength / 100" error={alcohol?.litres?.message}>
            {(control) => (
              <input
                className="code-input"
                inputMode="decimal"
                autoComplete="off"
                {...control}
                {...form.register('items.0.alcohol.litres')}
              />
            )}
          </Field>
        </div>
        <div className="field-grid">
          <Field
            label="Container (litres, draught relief only)"
            hint="Tax types 351 to 360 and 371 to 380: at least 20"
            error={alcohol?.containerLitres?.message}
          >
            {(control) => (
              <input
                className="code-input"
                inputMode="decimal"
                autoComplete="off"
                {...control}
                {...form.register('items.0.alcohol.containerLitres')}
              />
            )}
          </Field>
          <Field
            label="Small producer rate (GBP per litre of pure alcohol)"
            hint="Tax types 361 to 380: from your small producer relief calculation"
            error={alcohol?.smallProducerReliefRate?.message}
          >
            {(control) => (
              <input
                className="code-input"
                inputMode="decimal"
                autoComplete="off"
                {...control}
                {...form.register('items.0.alcohol.smallProducerReliefRate')}
              />
            )}
          </Field>
        </div>
      </fieldset>
      <button type="submit" className="primary" disabled={estimate.isPending}>
        {estimate.isPending ? 'Calculating…' : 'Estimate the duty'}
      </button>
      {estimate.isError && <ErrorPanel title="The duty could not be estimated" error={estimate.error} />}
      {estimate.data && (
        <section className="panel" aria-labelledby={headingId} aria-live="polite">
          <h3 id={headingId}>Estimated duty and taxes</h3>
          <p className="muted">An estimate at today's tariff and rates: nothing was declared or stored.</p>
          <AssessmentDetail assessment={estimate.data} idPrefix="estimate" />
        </section>
      )}
    </form>
  );
}
