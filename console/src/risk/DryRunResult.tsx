/** What a dry run found: how many recent declarations the draft selects, and the lanes with it in force. */
import { useId } from 'react';
import { Link } from 'react-router';
import type { dryRunRiskProfileOperation } from '#shared/http/operations/risk-profiles.ts';
import type { Success } from '../api/client.ts';
import { LaneBadge } from '../components/badges.tsx';
import { decimal } from '../format.ts';

type Result = Success<typeof dryRunRiskProfileOperation>;

/** Declarations listed by link; the rest are counted. */
const MAX_LINKS = 20;

export function DryRunResult({ result }: { result: Result }) {
  const headingId = useId();
  const lanes = Object.entries(result.lanes).filter(([, count]) => count > 0);
  return (
    <section className="panel dry-run" aria-labelledby={headingId} aria-live="polite">
      <h3 id={headingId}>Dry run: not saved</h3>
      <p className="dry-run-count">
        Would select <strong data-testid="dry-run-matched">{decimal(String(result.matched))}</strong> of {decimal(String(result.evaluated))}{' '}
        declarations lodged from {result.window.from} to {result.window.to} (UTC days).
      </p>
      <p>
        {result.changed === 0
          ? 'No declaration would change lane.'
          : `${decimal(String(result.changed))} would change lane compared with the profiles in force now.`}{' '}
        Random selection is left out: it does not depend on criteria.
      </p>
      {lanes.length > 0 && (
        <>
          <h4>Lanes by criteria with this draft in force</h4>
          <ul className="count-list">
            {lanes.map(([lane, count]) => (
              <li key={lane} className="count">
                <span className="count-number">{count}</span> <LaneBadge lane={lane} />
              </li>
            ))}
          </ul>
        </>
      )}
      {result.matchedIds.length > 0 && (
        <details>
          <summary>Declarations it selects</summary>
          <ul className="inline-list">
            {result.matchedIds.slice(0, MAX_LINKS).map((id) => (
              <li key={id}>
                <Link to={`/review/declarations/${id}`}>{id}</Link>
              </li>
            ))}
          </ul>
          {(result.matchedIds.length > MAX_LINKS || result.matchedIdsTruncated) && <p className="muted">and more not listed here.</p>}
        </details>
      )}
    </section>
  );
}
