/** A trader's declarations, newest first: status, lane and the amount due, filtered by status. */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { type DeclarationStatus, declarationStatuses } from '#shared/domain/declaration.ts';
import type { DeclarationSummary } from '#shared/domain/declaration-record.ts';
import { listDeclarationsOperation } from '#shared/http/operations/declarations.ts';
import { useMyDeclarations } from '../api/hooks.ts';
import { LaneBadge, StatusBadge } from '../components/badges.tsx';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Time } from '../components/Time.tsx';
import { money, statusLabels } from '../format.ts';
import { requestResolver } from '../forms.ts';
import { useSignedIn } from '../session.tsx';

const filterSchema = listDeclarationsOperation.query.pick({ status: true });
type FilterForm = { status: string };
const toFilter = (form: FilterForm) => (form.status ? { status: form.status } : {});

export function MyDeclarationsPage() {
  const session = useSignedIn();
  const [params, setParams] = useSearchParams();
  const parsed = filterSchema.safeParse(toFilter({ status: params.get('status') ?? '' }));
  const status = parsed.success ? parsed.data.status : undefined;
  const form = useForm<FilterForm, unknown, { status?: DeclarationStatus | undefined }>({
    resolver: requestResolver(filterSchema, toFilter),
    values: { status: status ?? '' },
  });
  return (
    <>
      <PageHeading title="My declarations" />
      <p>
        Declarations of {session.name} ({session.party}), newest first.
      </p>
      <form
        className="filters"
        aria-label="Filter my declarations"
        noValidate
        onSubmit={form.handleSubmit((filter) =>
          setParams(filter.status ? new URLSearchParams({ status: filter.status }) : new URLSearchParams()),
        )}
      >
        <Field label="Status" error={form.formState.errors.status?.message}>
          {(control) => (
            <select {...control} {...form.register('status')}>
              <option value="">Any status</option>
              {declarationStatuses.map((value) => (
                <option key={value} value={value}>
                  {statusLabels[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="filter-actions">
          <button type="submit">Apply filter</button>
        </div>
      </form>
      <DeclarationList key={status ?? 'any'} status={status} />
    </>
  );
}

type Row = DeclarationSummary;
const columns = columnsFor<Row>();
const tableColumns = columns.columns([
  columns.accessor('lrn', {
    header: 'Declaration (LRN)',
    cell: ({ row }) => <Link to={`/declarations/${row.original.id}`}>{row.original.lrn}</Link>,
  }),
  columns.accessor('status', { header: 'Status', cell: (info) => <StatusBadge status={info.getValue()} /> }),
  columns.display({
    id: 'lane',
    header: 'Lane',
    cell: ({ row }) => <LaneBadge lane={row.original.lane} />,
  }),
  columns.display({
    id: 'due',
    header: 'Total due',
    cell: ({ row }) => {
      const due = row.original.amountDue;
      return due ? <span className="number">{money(due.amount, due.currency)}</span> : <span className="muted">not assessed yet</span>;
    },
  }),
  columns.accessor('submittedAt', {
    header: 'Submitted',
    cell: (info) => <Time value={info.getValue()} />,
  }),
  columns.accessor('office', { header: 'Office' }),
]);

function DeclarationList({ status }: { status: DeclarationStatus | undefined }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const list = useMyDeclarations(status, cursors.at(-1));
  if (list.isPending) return <Loading>Loading your declarations…</Loading>;
  if (list.isError)
    return (
      <ErrorPanel
        title="Your declarations could not be loaded"
        error={list.error}
        onRetry={() => {
          void list.refetch();
        }}
      />
    );
  const rows: Row[] = list.data.items;
  return (
    <>
      <DataTable
        caption={`Your declarations${status ? `, ${statusLabels[status].toLowerCase()}` : ''} (newest first${cursors.length > 0 ? `, page ${cursors.length + 1}` : ''})`}
        label="My declarations"
        columns={tableColumns}
        data={rows}
        rowId={(row) => row.id}
        empty={
          // The API filters each page of the trader's declarations by status: a page may hold none while later ones do.
          status
            ? list.data.nextCursor
              ? 'None with this status among these declarations: look at the next page.'
              : 'No declarations with this status.'
            : 'You have no declarations yet. Submit one through the API (see the README).'
        }
      />
      <div className="button-row pager">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {list.data.nextCursor && (
          <button type="button" onClick={() => setCursors([...cursors, list.data.nextCursor ?? ''])}>
            Next page
          </button>
        )}
      </div>
    </>
  );
}
