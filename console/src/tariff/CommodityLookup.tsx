/** Looks a commodity code up: the measures in force for an origin and date, as the tariff lists them. */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import * as z from 'zod';
import { lookUpCommodityOperation } from '#shared/http/operations/tariff.ts';
import type { MeasureView } from '#shared/tariff/commodity-lookup.ts';
import { ApiError } from '../api/client.ts';
import { type CommodityQuery, useCommodity } from '../api/tariff.ts';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { optionalText, requestResolver } from '../forms.ts';

/** The look-up's path and query, checked with the operation's own schemas. */
const querySchema = z.strictObject({ ...lookUpCommodityOperation.pathParameters.shape, ...lookUpCommodityOperation.query.shape });
type QueryForm = { code: string; origin: string; date: string };
const toQuery = (form: QueryForm) => ({
  code: form.code.trim(),
  ...(optionalText(form.origin) ? { origin: optionalText(form.origin)?.toUpperCase() } : {}),
  ...(optionalText(form.date) ? { date: optionalText(form.date) } : {}),
});

const columns = columnsFor<MeasureView>();
const measureColumns = columns.columns([
  columns.display({
    id: 'type',
    header: 'Measure type',
    cell: ({ row }) => (
      <span className="wide-text">
        <code>{row.original.type}</code> {row.original.typeDescription}
      </span>
    ),
  }),
  columns.display({
    id: 'taxType',
    header: 'Tax type',
    cell: ({ row }) => (row.original.taxType ? <code>{row.original.taxType}</code> : <span className="muted">—</span>),
  }),
  columns.display({
    id: 'duty',
    header: 'Duty',
    cell: ({ row }) => {
      const { duty, conditions } = row.original;
      if (duty) return <span className="calculation">{duty}</span>;
      if (conditions && conditions.length > 0) return <span>{conditions.length} conditions</span>;
      return <span className="muted">—</span>;
    },
  }),
  columns.display({
    id: 'origin',
    header: 'Origin',
    cell: ({ row }) => (
      <span className="wide-text">
        {row.original.area.description} <span className="muted">({row.original.area.id})</span>
        {row.original.excluded && row.original.excluded.length > 0 ? <> except {row.original.excluded.join(', ')}</> : null}
      </span>
    ),
  }),
  columns.display({
    id: 'additionalCode',
    header: 'Additional code',
    cell: ({ row }) => (row.original.additionalCode ? <code>{row.original.additionalCode}</code> : <span className="muted">—</span>),
  }),
  columns.display({
    id: 'validity',
    header: 'In force',
    cell: ({ row }) => `from ${row.original.validFrom}${row.original.validTo ? ` to ${row.original.validTo}` : ''}`,
  }),
  columns.display({
    id: 'notes',
    header: 'Notes',
    cell: ({ row }) => {
      const { note, quota, supplementaryUnit, season, source } = row.original;
      const notes = [
        note,
        quota ? `quota ${quota}` : undefined,
        supplementaryUnit ? `declare a quantity in ${supplementaryUnit}` : undefined,
        season ? `season ${season.from} to ${season.to}` : undefined,
        source === 'pack-default' ? 'standard VAT rate' : undefined,
      ].filter(Boolean);
      return notes.length > 0 ? <span className="wide-text">{notes.join('; ')}</span> : <span className="muted">—</span>;
    },
  }),
]);

export function CommodityLookup() {
  const [query, setQuery] = useState<CommodityQuery | undefined>();
  const found = useCommodity(query);
  const form = useForm<QueryForm, unknown, CommodityQuery>({
    resolver: requestResolver(querySchema, toQuery),
    defaultValues: { code: '', origin: '', date: '' },
  });
  const { errors } = form.formState;
  return (
    <>
      <form className="filters" aria-label="Look up a commodity" noValidate onSubmit={form.handleSubmit(setQuery)}>
        <Field label="Commodity code" hint="8 or 10 digits" error={errors.code?.message}>
          {(control) => <input className="code-input" inputMode="numeric" autoComplete="off" {...control} {...form.register('code')} />}
        </Field>
        <Field label="Origin (optional)" hint="Two letters; empty for every origin" error={errors.origin?.message}>
          {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('origin')} />}
        </Field>
        <Field label="Date (optional)" hint="Empty for today" error={errors.date?.message}>
          {(control) => <input type="date" {...control} {...form.register('date')} />}
        </Field>
        <div className="filter-actions">
          <button type="submit">Look up</button>
        </div>
      </form>
      {found.isFetching && <Loading>Looking the commodity up…</Loading>}
      {found.isError && (
        <ErrorPanel
          title="The commodity could not be looked up"
          error={found.error}
          advice={
            found.error instanceof ApiError && found.error.status === 404
              ? 'The tariff has no such code. Check the digits, or try its 8-digit heading.'
              : undefined
          }
        />
      )}
      {found.data && (
        <>
          <p>
            <code>{found.data.resolvedCode}</code> {found.data.description}
            {found.data.resolvedCode !== found.data.code ? <span className="muted"> (the line {found.data.code} falls under)</span> : null}
          </p>
          <DataTable
            caption={`Measures for ${found.data.code}${found.data.origin ? ` from ${found.data.origin}` : ''} on ${found.data.date} (tariff ${found.data.tariffPackVersion})`}
            label="Measures"
            columns={measureColumns}
            data={[...found.data.measures]}
            rowId={(measure) => measure.id}
            empty="No measures apply."
          />
        </>
      )}
    </>
  );
}
