/** The bodies a declaration has had: as first submitted, then each amendment, each readable as it stood. */
import { Link } from 'react-router';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import { Section } from '../declaration/sections.tsx';
import './trader.css';

export const amendmentName = (n: number): string => (n === 0 ? 'As first submitted' : `Amendment ${n}`);

export function Versions({ view }: { view: DeclarationView }) {
  if (view.amendment === 0) return null;
  // Newest first: the current body, then the earlier ones.
  const numbers = Array.from({ length: view.amendment + 1 }, (_, index) => view.amendment - index);
  return (
    <Section id="versions" title="Amendments">
      <ol className="version-list" reversed>
        {numbers.map((n) =>
          n === view.amendment ? (
            <li key={n}>
              <strong>{amendmentName(n)}</strong> (current, version {view.version})
            </li>
          ) : (
            <li key={n}>
              <Link to={`/declarations/${view.id}/amendments/${n}`}>{amendmentName(n)}</Link>
            </li>
          ),
        )}
      </ol>
    </Section>
  );
}
