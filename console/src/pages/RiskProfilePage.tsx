/**
 * One risk profile: how well it selects, its versions, and the form that saves an edit as the
 * next version. The form edits the version it was loaded from and sends that version as
 * If-Match, so a colleague's edit in between is refused (412) rather than overwritten.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { profileId, type RiskProfile } from '#shared/risk/profile.ts';
import { ApiError } from '../api/client.ts';
import { useEditRiskProfile, useRiskProfile } from '../api/risk.ts';
import { ErrorPanel, Loading, Notice } from '../components/feedback.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { Time } from '../components/Time.tsx';
import { Section } from '../declaration/sections.tsx';
import { usePeople } from '../people.ts';
import { DisableProfile } from '../risk/DisableProfile.tsx';
import { OutcomeBadge, ProfileStatus } from '../risk/ProfileBadges.tsx';
import { ProfileForm } from '../risk/ProfileForm.tsx';
import { formValuesOf } from '../risk/profile-form-values.ts';
import { describeCriteria, hitRate } from '../risk/summary.ts';
import { VersionHistory } from '../risk/VersionHistory.tsx';

export function RiskProfilePage() {
  const { id = '' } = useParams();
  const valid = profileId.safeParse(id).success;
  const profile = useRiskProfile(id);
  const current = profile.data?.items.at(-1);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/risk-profiles">Risk profiles</Link>
      </p>
      <PageHeading title={current ? `Risk profile: ${current.name}` : 'Risk profile'} />
      {!valid ? (
        <p className="error-panel" role="alert">
          This address does not name a risk profile. Go back to <Link to="/risk-profiles">the risk profiles</Link>.
        </p>
      ) : profile.isPending ? (
        <Loading>Loading the risk profile…</Loading>
      ) : profile.isError ? (
        <ErrorPanel
          title="The risk profile could not be loaded"
          error={profile.error}
          advice={
            profile.error instanceof ApiError && profile.error.status === 404
              ? 'There is no risk profile with this id. Check the link, or go back to the list.'
              : undefined
          }
          onRetry={() => {
            void profile.refetch();
          }}
        />
      ) : (
        current && (
          <LoadedProfile
            key={current.id}
            versions={profile.data.items}
            current={current}
            effectiveness={profile.data.effectiveness}
            reload={profile.refetch}
          />
        )
      )}
    </>
  );
}

interface LoadedProps {
  versions: RiskProfile[];
  current: RiskProfile;
  effectiveness: { selections: number; inspections: number; hits: number };
  /** Reads the profile again; resolves with what was read. */
  reload: () => Promise<{ data?: { items: RiskProfile[] } | undefined }>;
}

function LoadedProfile({ versions, current, effectiveness, reload }: LoadedProps) {
  // The version the form edits: changes on a save or an explicit reload, never behind the officer's back.
  const [base, setBase] = useState(current);
  const [done, setDone] = useState<string | undefined>();
  const people = usePeople();
  const edit = useEditRiskProfile(base.id);
  const newer = current.version > base.version;

  const loadLatest = async () => {
    const latest = (await reload()).data?.items.at(-1);
    edit.reset();
    setDone(undefined);
    if (latest) setBase(latest);
  };

  return (
    <>
      {done && <Notice>{done}</Notice>}
      <Section id="current" title="Current version">
        <dl className="pairs">
          <dt>Id</dt>
          <dd>
            <code>{current.id}</code>
          </dd>
          <dt>Version</dt>
          <dd data-testid="current-version">v{current.version}</dd>
          <dt>Status</dt>
          <dd>
            <ProfileStatus profile={current} />
          </dd>
          <dt>Saved</dt>
          <dd>
            <Time value={current.createdAt} /> by {people(current.createdBy)}
          </dd>
          <dt>Matches</dt>
          <dd>{describeCriteria(current.criteria)}</dd>
          <dt>Lane or score</dt>
          <dd>
            <OutcomeBadge outcome={current.outcome} />
          </dd>
        </dl>
      </Section>
      <Section id="effectiveness" title="How well it selects">
        <dl className="pairs">
          <dt>Selections</dt>
          <dd>{effectiveness.selections}</dd>
          <dt>Inspections</dt>
          <dd>{effectiveness.inspections}</dd>
          <dt>Hits</dt>
          <dd>{effectiveness.hits}</dd>
          <dt>Hit rate</dt>
          <dd>{hitRate(effectiveness)}</dd>
        </dl>
      </Section>
      <Section id="edit" title={`Edit (saved as version ${base.version + 1})`}>
        {newer && (
          <div className="error-panel" role="alert">
            <p>
              Version {current.version} was saved since you opened this form (you are editing version {base.version}); saving would be
              refused.
            </p>
            <button type="button" onClick={() => void loadLatest()}>
              Load version {current.version} into the form (your changes are discarded)
            </button>
          </div>
        )}
        <ProfileForm
          key={base.version}
          defaultValues={formValuesOf(base)}
          label="Edit the risk profile"
          saveLabel="Save as a new version"
          saving={edit.isPending}
          onSave={async (input) => {
            setDone(undefined);
            const saved = await edit.mutateAsync({ input, version: base.version });
            setBase(saved);
            setDone(
              `Saved as version ${saved.version}: ${saved.enabled ? 'declarations scored from now on use it (within its validity dates)' : 'disabled, it selects nothing'}.`,
            );
          }}
        />
        {edit.isError && (
          <ErrorPanel
            title="The profile was not saved"
            error={edit.error}
            advice={
              edit.error instanceof ApiError && (edit.error.status === 412 || edit.error.status === 409)
                ? 'Someone else saved a new version of this profile while you were editing. Your changes are still in the form, not saved: copy what you need, load the latest version, check what changed, then make your changes again.'
                : undefined
            }
          />
        )}
        {edit.isError && edit.error instanceof ApiError && (edit.error.status === 412 || edit.error.status === 409) && (
          <button type="button" onClick={() => void loadLatest()}>
            Load the latest version (your changes are discarded)
          </button>
        )}
      </Section>
      {base.enabled && (
        <DisableProfile
          profile={base}
          onDone={(saved) => {
            setBase(saved);
            setDone(`Disabled: version ${saved.version} no longer selects declarations.`);
          }}
        />
      )}
      <Section id="versions" title="Versions">
        <VersionHistory versions={versions} />
      </Section>
    </>
  );
}
