/**
 * How clearance performs, for officers and the administration: declarations per day by lane, the
 * time from lodgement to release per lane (median and 90th percentile, as a WCO Time Release
 * Study reports it), revenue per day by tax type, and the risk profiles that select most. Every
 * figure comes from the counters the stages keep (`GET /v1/stats/...`), never from declarations.
 */
import { useForm } from 'react-hook-form';
import { useSearchParams } from 'react-router';
import type { ClearanceStatistics, ProfileSelection } from '#shared/domain/clearance-statistics.ts';
import { clearanceStatisticsOperation } from '#shared/http/operations/stats.ts';
import { lanes } from '#shared/risk/outcome.ts';
import { Field } from '../components/Field.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { date, laneLabels, money, taxTypeName } from '../format.ts';
import { optionalText, requestResolver } from '../forms.ts';
import { laneColours, type Series, StackedBars, seriesColour } from '../statistics/charts.tsx';
import { FiguresTable } from '../statistics/FiguresTable.tsx';
import { type Period, useClearanceStatistics, useProfileSelections } from '../statistics/hooks.ts';

const periodSchema = clearanceStatisticsOperation.query;
type PeriodForm = { from: string; to: string };
const toPeriod = (form: PeriodForm) => ({
  ...(optionalText(form.from) ? { from: optionalText(form.from) } : {}),
  ...(optionalText(form.to) ? { to: optionalText(form.to) } : {}),
});

const laneSeries: Series[] = lanes.map((lane) => ({ key: lane, name: laneLabels[lane] ?? lane, colour: laneColours[lane] ?? '#0b3d62' }));

/** Seconds as a person reads a duration: "0.4 s", "1 min 30 s", "2 h 5 min", "3 d 4 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function StatisticsPage() {
  const [params, setParams] = useSearchParams();
  const parsed = periodSchema.safeParse(toPeriod({ from: params.get('from') ?? '', to: params.get('to') ?? '' }));
  const period: Period = parsed.success ? parsed.data : {};
  return (
    <>
      <PageHeading title="Statistics" />
      <p>How clearance performs: what the stages counted as declarations moved through them (UTC days).</p>
      <PeriodBar
        period={period}
        onApply={(next) => {
          const search = new URLSearchParams();
          if (next.from) search.set('from', next.from);
          if (next.to) search.set('to', next.to);
          setParams(search);
        }}
      />
      <ClearanceSections period={period} />
      <ProfileSection />
    </>
  );
}

function PeriodBar({ period, onApply }: { period: Period; onApply: (period: Period) => void }) {
  const form = useForm<PeriodForm, unknown, Period>({
    resolver: requestResolver(periodSchema, toPeriod),
    values: { from: period.from ?? '', to: period.to ?? '' },
  });
  const { errors } = form.formState;
  return (
    <form className="filters" aria-label="Choose the period" noValidate onSubmit={form.handleSubmit(onApply)}>
      <Field label="From" hint="First day; a week before the last by default" error={errors.from?.message}>
        {(control) => <input type="date" {...control} {...form.register('from')} />}
      </Field>
      <Field label="To" hint="Last day; today by default" error={errors.to?.message}>
        {(control) => <input type="date" {...control} {...form.register('to')} />}
      </Field>
      <div className="filter-actions">
        <button type="submit">Show</button>
      </div>
    </form>
  );
}

function ClearanceSections({ period }: { period: Period }) {
  const statistics = useClearanceStatistics(period);
  if (statistics.isPending) return <Loading>Loading the statistics…</Loading>;
  if (statistics.isError)
    return (
      <ErrorPanel
        title="The statistics could not be loaded"
        error={statistics.error}
        onRetry={() => {
          void statistics.refetch();
        }}
      />
    );
  const data = statistics.data;
  return (
    <>
      <p className="period">
        {date(data.from)} to {date(data.to)}
        {statistics.isFetching && <span className="muted"> · refreshing…</span>}
      </p>
      <DeclarationsByLane data={data} />
      <ReleaseTimes data={data} />
      <Revenue data={data} />
    </>
  );
}

function DeclarationsByLane({ data }: { data: ClearanceStatistics }) {
  const rows = data.days.map((day) => ({ day: date(day.day), ...day.lanes }));
  const total = (lanesOfDay: Record<string, number>) => lanes.reduce((sum, lane) => sum + (lanesOfDay[lane] ?? 0), 0);
  return (
    <section aria-labelledby="lanes-heading" className="panel">
      <h2 id="lanes-heading">Declarations per day by lane</h2>
      <StackedBars label="Declarations per day, stacked by lane" data={rows} category="day" series={laneSeries} />
      <FiguresTable
        caption="Declarations per day by lane (day of submission)"
        headers={['Day', ...lanes.map((lane) => laneLabels[lane] ?? lane), 'Total']}
        rows={data.days.map((day) => ({
          key: day.day,
          cells: [date(day.day), ...lanes.map((lane) => day.lanes[lane] ?? 0), total(day.lanes)],
        }))}
      />
    </section>
  );
}

function ReleaseTimes({ data }: { data: ClearanceStatistics }) {
  const rows = data.releaseTimes.map((entry) => ({
    lane: laneLabels[entry.lane] ?? entry.lane,
    median: entry.medianSeconds ?? 0,
    p90: entry.p90Seconds ?? 0,
  }));
  return (
    <section aria-labelledby="release-heading" className="panel">
      <h2 id="release-heading">Time from lodgement to release</h2>
      <p className="hint">{data.method}</p>
      <StackedBars
        label="Median and 90th percentile release time per lane, in seconds"
        data={rows}
        category="lane"
        stacked={false}
        series={[
          { key: 'median', name: 'Median', colour: '#0b3d62' },
          { key: 'p90', name: '90th percentile', colour: '#b58800' },
        ]}
        formatValue={(value) => duration(value)}
      />
      <FiguresTable
        caption="Release time per lane"
        headers={['Lane', 'Released', 'Median', '90th percentile', 'Mean']}
        rows={data.releaseTimes.map((entry) => ({
          key: entry.lane,
          cells: [
            laneLabels[entry.lane] ?? entry.lane,
            entry.released,
            duration(entry.medianSeconds),
            duration(entry.p90Seconds),
            duration(entry.meanSeconds),
          ],
        }))}
      />
    </section>
  );
}

function Revenue({ data }: { data: ClearanceStatistics }) {
  const taxTypes = [...new Set(data.days.flatMap((day) => Object.keys(day.revenue)))].sort();
  const series: Series[] = taxTypes.map((taxType, index) => ({
    key: taxType,
    name: `${taxType} ${taxTypeName(taxType)}`,
    colour: seriesColour(index),
  }));
  // Numbers only for the bar heights; the exact strings ride along for the tooltip.
  const rows = data.days.map((day) => ({
    day: date(day.day),
    ...Object.fromEntries(taxTypes.map((taxType) => [taxType, Number(day.revenue[taxType] ?? '0')])),
    ...Object.fromEntries(taxTypes.map((taxType) => [`${taxType}-text`, day.revenue[taxType] ?? '0.00'])),
  }));
  return (
    <section aria-labelledby="revenue-heading" className="panel">
      <h2 id="revenue-heading">Revenue by tax type</h2>
      <p className="hint">Duty and tax made due by the declarations released each day, in {data.currency}.</p>
      <StackedBars
        label={`Revenue per day, stacked by tax type, in ${data.currency}`}
        data={rows}
        category="day"
        series={series}
        formatValue={(_value, key, row) => money(String(row[`${key}-text`] ?? '0.00'), data.currency)}
      />
      <FiguresTable
        caption={`Revenue per day by tax type (${data.currency})`}
        headers={['Day', ...taxTypes.map((taxType) => `${taxType} ${taxTypeName(taxType)}`), 'Total']}
        rows={data.days.map((day) => ({
          key: day.day,
          cells: [
            date(day.day),
            ...taxTypes.map((taxType) => money(day.revenue[taxType] ?? '0.00', data.currency)),
            money(day.revenueTotal, data.currency),
          ],
        }))}
      />
    </section>
  );
}

const percent = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

function ProfileSection() {
  const profiles = useProfileSelections();
  return (
    <section aria-labelledby="profiles-heading" className="panel">
      <h2 id="profiles-heading">Risk profiles that select most</h2>
      {profiles.isPending && <Loading>Loading the risk profiles…</Loading>}
      {profiles.isError && (
        <ErrorPanel
          title="The risk profiles could not be loaded"
          error={profiles.error}
          onRetry={() => {
            void profiles.refetch();
          }}
        />
      )}
      {profiles.data && <ProfileFigures items={profiles.data.items} />}
    </section>
  );
}

function ProfileFigures({ items }: { items: ProfileSelection[] }) {
  if (items.length === 0) return <p>No risk profiles yet.</p>;
  return (
    <>
      <StackedBars
        label="Selections, inspections and hits per risk profile"
        data={items.map((item) => ({ profile: item.id, selections: item.selections, inspections: item.inspections, hits: item.hits }))}
        category="profile"
        stacked={false}
        series={[
          { key: 'selections', name: 'Selections', colour: '#0b3d62' },
          { key: 'inspections', name: 'Inspections', colour: '#b58800' },
          { key: 'hits', name: 'Hits', colour: '#b3261e' },
        ]}
      />
      <FiguresTable
        caption="Risk profiles by selections (all time)"
        headers={['Profile', 'Selections', 'Inspections', 'Hits', 'Hit rate']}
        rows={items.map((item) => ({
          key: item.id,
          cells: [
            <span key="name">
              {item.name}{' '}
              <span className="muted">
                ({item.id}
                {item.enabled ? '' : ', disabled'})
              </span>
            </span>,
            item.selections,
            item.inspections,
            item.hits,
            percent(item.hitRate),
          ],
        }))}
      />
    </>
  );
}
