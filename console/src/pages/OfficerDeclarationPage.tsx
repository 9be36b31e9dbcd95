/** An officer's page of one declaration: everything customs sees, and the review actions. */
import { Link, useParams } from 'react-router';
import { useDeclaration } from '../api/hooks.ts';
import { PageHeading } from '../components/PageHeading.tsx';
import { CustomsDocuments } from '../declaration/CustomsDocuments.tsx';
import { DeclarationLoadState } from '../declaration/DeclarationLoadState.tsx';
import { Documents } from '../declaration/Documents.tsx';
import { ClaimLine, OfficerActions } from '../declaration/OfficerActions.tsx';
import { Duty, History, InspectionDetail, Items, Outcome, Parties, Risk, Section, Summary } from '../declaration/sections.tsx';

export function OfficerDeclarationPage() {
  const { id = '' } = useParams();
  const declaration = useDeclaration(id);
  const view = declaration.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/review">Review queue</Link>
      </p>
      <PageHeading title={view ? `Declaration ${view.lrn}` : 'Declaration'} />
      <DeclarationLoadState id={id} declaration={declaration} back={<Link to="/review">the review queue</Link>} />
      {view && (
        <div className="declaration-layout">
          <div className="declaration-main">
            <Section id="summary" title="Summary">
              <Summary view={view} claimLine={<ClaimLine view={view} />} />
            </Section>
            <Outcome view={view} />
            <Documents view={view} />
            <CustomsDocuments view={view} />
            {view.risk && <Risk risk={view.risk} />}
            <Duty view={view} />
            <InspectionDetail view={view} />
            {view.declaration ? (
              <>
                <Parties declaration={view.declaration} />
                <Items declaration={view.declaration} />
              </>
            ) : (
              <p className="error-panel">The declaration as submitted cannot be read from the archive just now; reload later.</p>
            )}
            <History id={view.id} />
          </div>
          <div className="declaration-side">
            <OfficerActions view={view} />
          </div>
        </div>
      )}
    </>
  );
}
