/** Status and lane as text (never colour alone), with a colour for a quick scan. */
import type { DeclarationStatus } from '#shared/domain/declaration.ts';
import { laneLabels, statusLabels } from '../format.ts';

export function StatusBadge({ status }: { status: DeclarationStatus }) {
  return <span className={`badge status-${status.toLowerCase().replace(/_/g, '-')}`}>{statusLabels[status]}</span>;
}

export function LaneBadge({ lane }: { lane: string | null | undefined }) {
  if (!lane) return <span className="muted">not scored yet</span>;
  return (
    <span className={`badge lane-${lane.toLowerCase()}`} title={laneLabels[lane]}>
      {lane}
    </span>
  );
}
