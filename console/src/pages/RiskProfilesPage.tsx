/** Risk profiles for officers: every profile's current version, what it matches and how well it selects. */
import { Link } from 'react-router';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { useRiskProfiles } from '../api/risk.ts';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { ErrorPanel, Loading } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { OutcomeBadge, ProfileStatus } from '../risk/ProfileBadges.tsx';
import { describeCriteria, hitRate } from '../risk/summary.ts';

interface Row {
  profile: RiskProfile;
  effectiveness: { selections: number; inspections: number; hits: number };
}

const columns = columnsFor<Row>();
const tableColumns = columns.columns([
  columns.display({
    id: 'profile',
    header: 'Profile',
    cell: ({ row }) => (
      <span className="wide-text">
        <Link to={`/risk-profiles/${encodeURIComponent(row.original.profile.id)}`}>{row.original.profile.name}</Link>
        <br />
        <span className="muted">{row.original.profile.id}</span>
      </span>
    ),
  }),
  columns.display({ id: 'status', header: 'Status', cell: ({ row }) => <ProfileStatus profile={row.original.profile} /> }),
  columns.display({ id: 'version', header: 'Version', cell: ({ row }) => <span className="number">v{row.original.profile.version}</span> }),
  columns.display({ id: 'outcome', header: 'Lane or score', cell: ({ row }) => <OutcomeBadge outcome={row.original.profile.outcome} /> }),
  columns.display({
    id: 'matches',
    header: 'Matches',
    cell: ({ row }) => <span className="wide-text">{describeCriteria(row.original.profile.criteria)}</span>,
  }),
  columns.display({
    id: 'selections',
    header: 'Selections',
    cell: ({ row }) => <span className="number">{row.original.effectiveness.selections}</span>,
  }),
  columns.display({
    id: 'inspections',
    header: 'Inspections',
    cell: ({ row }) => <span className="number">{row.original.effectiveness.inspections}</span>,
  }),
  columns.display({ id: 'hits', header: 'Hits', cell: ({ row }) => <span className="number">{row.original.effectiveness.hits}</span> }),
  columns.display({
    id: 'hitRate',
    header: 'Hit rate',
    cell: ({ row }) => <span className="number">{hitRate(row.original.effectiveness)}</span>,
  }),
]);

const none = { selections: 0, inspections: 0, hits: 0 };

export function RiskProfilesPage() {
  const profiles = useRiskProfiles();
  return (
    <>
      <PageHeading title="Risk profiles" />
      <p>
        The criteria that send declarations to a lane or add to their score. Hit rate is the share of inspections of selected declarations
        that found a discrepancy.
      </p>
      <p>
        <Link className="button-link" to="/risk-profiles/new">
          New profile
        </Link>
      </p>
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
      {profiles.data && (
        <DataTable
          caption="Risk profiles (current versions) and how well they select"
          label="Risk profiles"
          columns={tableColumns}
          data={profiles.data.items.map((profile) => ({ profile, effectiveness: profiles.data.effectiveness[profile.id] ?? none }))}
          rowId={(row) => row.profile.id}
          empty="There are no risk profiles yet."
        />
      )}
    </>
  );
}
