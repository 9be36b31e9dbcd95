/** A new risk profile: the same form as an edit; saved as version 1, then its own page opens. */
import { Link, useNavigate } from 'react-router';
import { useCreateRiskProfile } from '../api/risk.ts';
import { ErrorPanel } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { ProfileForm } from '../risk/ProfileForm.tsx';
import { formValuesOf } from '../risk/profile-form-values.ts';

export function NewRiskProfilePage() {
  const create = useCreateRiskProfile();
  const navigate = useNavigate();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/risk-profiles">Risk profiles</Link>
      </p>
      <PageHeading title="New risk profile" />
      <p>Try it with a dry run before you save it: it says how many recent declarations it would select.</p>
      <ProfileForm
        defaultValues={formValuesOf(undefined)}
        label="New risk profile"
        saveLabel="Create profile"
        saving={create.isPending}
        onSave={async (input) => {
          const saved = await create.mutateAsync(input);
          await navigate(`/risk-profiles/${encodeURIComponent(saved.id)}`);
        }}
      />
      {create.isError && <ErrorPanel title="The profile was not created" error={create.error} />}
    </>
  );
}
