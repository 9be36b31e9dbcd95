/**
 * The officers' review queue: declarations waiting for an officer, RED before YELLOW and each
 * oldest first, over every lane and office unless narrowed (to a lane, an office, or those waiting
 * longer than some hours); how many each lane holds; who is working on each. The loaded page can
 * be sorted by its columns.
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import type { ReviewEntry } from '#shared/domain/review-views.ts';
import { queueLanes } from '#shared/domain/review-views.ts';
import { reviewQueueOperation } from '#shared/http/operations/review.ts';
import { type QueueFilters, useReviewQueue } from '../api/hooks.ts';
import { LaneBadge, StatusBadge } from '../components/badges.tsx';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Time } from '../components/Time.tsx';
import { decisionLabels, laneLabels } from '../format.ts';
import { optionalText, requestResolver } from '../forms.ts';
import { usePeople } from '../people.ts';

/** The filters the queue operation takes, checked with its own query schema. */
const filterSchema = reviewQueueOperation.query.pick({ lane: true, office: true, minAgeHours: true });
type FilterForm = { lane: string; office: string; minAgeHours: string };
const toFilters = (form: FilterForm) => ({
  ...(form.lane ? { lane: form.lane } : {}),
  ...(optionalText(form.office) ? { office: optionalText(form.office)?.toUpperCase() } : {}),
  ...(optionalText(form.minAgeHours) ? { minAgeHours: optionalText(form.minAgeHours) } : {}),
});
const formOf = (filters: QueueFilters): FilterForm => ({
  lane: filters.lane ?? '',
  office: filters.office ?? '',
  minAgeHours: filters.minAgeHours === undefined ? '' : String(filters.minAgeHours),
});

function filtersFrom(params: URLSearchParams): QueueFilters {
  const parsed = filterSchema.safeParse(
    toFilters({ lane: params.get('lane') ?? '', office: params.get('office') ?? '', minAgeHours: params.get('minAgeHours') ?? '' }),
  );
  return parsed.success ? parsed.data : {};
}

/** "RED lane, office GBLHR, waiting over 4 h": the filters in words, for the caption. */
function describe(filters: QueueFilters): string {
  return [
    filters.lane ? `, ${filters.lane} lane` : '',
    filters.office ? `, office ${filters.office}` : '',
    filters.minAgeHours !== undefined ? `, waiting longer than ${filters.minAgeHours} h` : '',
  ].join('');
}

export function ReviewQueuePage() {
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  return (
    <>
      <PageHeading title="Review queue" />
      <p>
        Declarations that risk selected for a physical inspection (red) or a documentary check (yellow): red first, each oldest first. Times
        are in your time zone; hover over one for UTC.
      </p>
      <FilterBar
        filters={filters}
        onApply={(next) => {
          const search = new URLSearchParams();
          if (next.lane) search.set('lane', next.lane);
          if (next.office) search.set('office', next.office);
          if (next.minAgeHours !== undefined) search.set('minAgeHours', String(next.minAgeHours));
          setParams(search);
        }}
      />
      <QueueTable key={`${filters.lane ?? ''}:${filters.office ?? ''}:${filters.minAgeHours ?? ''}`} filters={filters} />
    </>
  );
}

function FilterBar({ filters, onApply }: { filters: QueueFilters; onApply: (filters: QueueFilters) => void }) {
  const form = useForm<FilterForm, unknown, QueueFilters>({
    resolver: requestResolver(filterSchema, toFilters),
    values: formOf(filters),
  });
  const { errors } = form.formState;
  return (
    <form className="filters" aria-label="Filter the queue" noValidate onSubmit={form.handleSubmit(onApply)}>
      <Field label="Lane" error={errors.lane?.message}>
        {(control) => (
          <select {...control} {...form.register('lane')}>
            <option value="">Red and yellow</option>
            {queueLanes.map((lane) => (
              <option key={lane} value={lane}>
                {laneLabels[lane]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Customs office" hint="e.g. GBLHR; empty for all" error={errors.office?.message}>
        {(control) => <input className="code-input" autoComplete="off" {...control} {...form.register('office')} />}
      </Field>
      <Field label="Waiting longer than (hours)" hint="e.g. 4; empty for any" error={errors.minAgeHours?.message}>
        {(control) => <input inputMode="numeric" autoComplete="off" {...control} {...form.register('minAgeHours')} />}
      </Field>
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
        <button
          type="button"
          onClick={() => {
            form.reset({ lane: '', office: '', minAgeHours: '' });
            onApply({});
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

const columns = columnsFor<ReviewEntry>();

function QueueTable({ filters }: { filters: QueueFilters }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const queue = useReviewQueue(filters, cursor);
  const people = usePeople();

  const tableColumns = columns.columns([
    columns.accessor('queuedAt', {
      header: 'Queued',
      sortFn: 'basic',
      cell: (info) => {
        const value = info.getValue();
        return value ? <Time value={value} /> : '-';
      },
    }),
    columns.accessor('lrn', {
      header: 'Declaration (LRN)',
      cell: ({ row }) => <Link to={`/review/declarations/${row.original.id}`}>{row.original.lrn}</Link>,
      enableSorting: false,
    }),
    columns.accessor('lane', { header: 'Lane', sortFn: 'text', cell: (info) => <LaneBadge lane={info.getValue()} /> }),
    columns.accessor('status', { header: 'Status', enableSorting: false, cell: (info) => <StatusBadge status={info.getValue()} /> }),
    columns.accessor('office', { header: 'Office', enableSorting: false }),
    columns.accessor('declarantId', { header: 'Declarant', sortFn: 'text' }),
    columns.accessor('score', { header: 'Score', sortFn: 'basic', sortUndefined: 'last', cell: (info) => info.getValue() ?? '-' }),
    columns.accessor('claim', {
      header: 'Claimed by',
      enableSorting: false,
      cell: (info) => {
        const claim = info.getValue();
        if (!claim || Date.parse(claim.until) <= Date.now()) return <span className="muted">nobody</span>;
        return (
          <span>
            {people(claim.officerId)}
            <span className="muted">
              {' '}
              until <Time value={claim.until} />
            </span>
          </span>
        );
      },
    }),
    columns.accessor('decision', {
      header: 'Latest decision',
      enableSorting: false,
      cell: (info) => {
        const decision = info.getValue();
        return decision ? decisionLabels[decision.action] : <span className="muted">none</span>;
      },
    }),
  ]);

  if (queue.isPending) return <Loading>Loading the review queue…</Loading>;
  if (queue.isError)
    return (
      <ErrorPanel
        title="The review queue could not be loaded"
        error={queue.error}
        onRetry={() => {
          void queue.refetch();
        }}
      />
    );
  const page = queue.data;
  const counts = Object.entries(page.counts);
  return (
    <>
      <section aria-labelledby="counts-heading" className="counts">
        <h2 id="counts-heading">Waiting per lane</h2>
        <ul className="count-list">
          {counts.length === 0 && <li>None</li>}
          {counts.map(([lane, count]) => (
            <li key={lane} className={`count lane-${lane.toLowerCase()}`}>
              <span className="count-number">{count}</span> <span>{laneLabels[lane] ?? lane}</span>
            </li>
          ))}
        </ul>
      </section>
      <DataTable
        caption={
          <>
            Waiting for an officer{describe(filters)} ({filters.lane ? 'oldest first' : 'red first, each oldest first'}
            {cursors.length > 0 ? `, page ${cursors.length + 1}` : ''}; the column buttons sort this page)
          </>
        }
        label="Review queue"
        sortable
        columns={tableColumns}
        data={page.items}
        rowId={(entry) => entry.id}
        empty="Nothing is waiting for an officer with these filters."
      />
      <div className="button-row pager">
        {cursors.length > 0 && (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {page.nextCursor && (
          <button type="button" onClick={() => setCursors([...cursors, page.nextCursor ?? ''])}>
            Next page
          </button>
        )}
        {queue.isFetching && <span className="muted">Refreshing…</span>}
      </div>
    </>
  );
}
