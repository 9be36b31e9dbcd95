/** An earlier body of a trader's declaration (amendment n; 0 as first submitted) with what the platform made of it then. */
import { Link, useParams } from 'react-router';
import { useAmendment } from '../api/hooks.ts';
import { PageHeading } from '../components/PageHeading.tsx';
import { DeclarationLoadState } from '../declaration/DeclarationLoadState.tsx';
import { Duty, Items, Parties, Section, Summary } from '../declaration/sections.tsx';
import { amendmentName } from '../trader/Versions.tsx';

export function TraderAmendmentPage() {
  const { id = '', n = '' } = useParams();
  const number = /^\d{1,4}$/.test(n) ? Number(n) : -1;
  const amendment = useAmendment(id, number);
  const view = amendment.data;
  const back = <Link to={`/declarations/${id}`}>the declaration as it stands</Link>;
  const title = view ? `${amendmentName(number)} of declaration ${view.lrn}` : 'Earlier version of a declaration';
  return (
    <>
      <p className="breadcrumb">
        <Link to="/declarations">My declarations</Link> › <Link to={`/declarations/${id}`}>Declaration</Link>
      </p>
      <PageHeading title={title} />
      {number < 0 ? (
        <p className="error-panel" role="alert">
          This address does not name an amendment (a number such as 0 or 1). Go to {back}.
        </p>
      ) : (
        <DeclarationLoadState id={id} declaration={amendment} back={back} />
      )}
      {view && (
        <>
          <p>An earlier version, kept as it was: the current one is on {back}.</p>
          <Section id="summary" title="Summary">
            <Summary view={view} />
          </Section>
          <Duty view={view} />
          {view.declaration && (
            <>
              <Parties declaration={view.declaration} />
              <Items declaration={view.declaration} />
            </>
          )}
        </>
      )}
    </>
  );
}
