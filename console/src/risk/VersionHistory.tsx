/** A profile's versions, newest first: when, who, and what each said. */
import type { RiskProfile } from '#shared/risk/profile.ts';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { Time } from '../components/Time.tsx';
import { usePeople } from '../people.ts';
import { OutcomeBadge } from './ProfileBadges.tsx';
import { describeCriteria } from './summary.ts';

const columns = columnsFor<RiskProfile>();

export function VersionHistory({ versions }: { versions: readonly RiskProfile[] }) {
  const people = usePeople();
  const tableColumns = columns.columns([
    columns.accessor('version', { header: 'Version', cell: (info) => `v${info.getValue()}` }),
    columns.accessor('createdAt', {
      header: 'Saved',
      cell: (info) => <Time value={info.getValue()} />,
    }),
    columns.accessor('createdBy', { header: 'By', cell: (info) => people(info.getValue()) }),
    columns.accessor('enabled', { header: 'Enabled', cell: (info) => (info.getValue() ? 'yes' : 'no') }),
    columns.display({
      id: 'validity',
      header: 'Valid',
      cell: ({ row }) => `from ${row.original.validFrom}${row.original.validTo ? ` to ${row.original.validTo}` : ''}`,
    }),
    columns.display({ id: 'outcome', header: 'Lane or score', cell: ({ row }) => <OutcomeBadge outcome={row.original.outcome} /> }),
    columns.display({
      id: 'criteria',
      header: 'Matches',
      cell: ({ row }) => <span className="wide-text">{describeCriteria(row.original.criteria)}</span>,
    }),
  ]);
  return (
    <DataTable
      caption="Versions, newest first"
      label="Versions"
      columns={tableColumns}
      data={[...versions].reverse()}
      rowId={(version) => String(version.version)}
      empty="No versions."
    />
  );
}
