/** Disables a profile after confirming: saved as the next version with enabled false (If-Match: the version shown). */
import { useState } from 'react';
import type { RiskProfile } from '#shared/risk/profile.ts';
import { ApiError } from '../api/client.ts';
import { useDisableRiskProfile } from '../api/risk.ts';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ErrorPanel } from '../components/feedback.tsx';
import { Section } from '../declaration/sections.tsx';

export function DisableProfile({ profile, onDone }: { profile: RiskProfile; onDone: (saved: RiskProfile) => void }) {
  const disable = useDisableRiskProfile(profile.id);
  const [asking, setAsking] = useState(false);
  return (
    <Section id="disable" title="Disable">
      <p>
        A disabled profile stops selecting declarations; its versions and counts stay. Enable it again by saving it with Enabled ticked.
      </p>
      <button type="button" className="danger" disabled={disable.isPending} onClick={() => setAsking(true)}>
        {disable.isPending ? 'Disabling…' : 'Disable this profile'}
      </button>
      {disable.isError && (
        <ErrorPanel
          title="The profile was not disabled"
          error={disable.error}
          advice={
            disable.error instanceof ApiError && (disable.error.status === 412 || disable.error.status === 409)
              ? 'Someone else saved a new version meanwhile. Reload the page, check the new version, and disable it again if it should be.'
              : undefined
          }
        />
      )}
      <ConfirmDialog
        open={asking}
        title={`Disable ${profile.name}?`}
        confirmLabel="Disable"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          disable.mutateAsync(profile.version).then(onDone, () => {});
        }}
      >
        <p>Declarations scored from now on are no longer selected by it. Version {profile.version + 1} will be saved, disabled.</p>
      </ConfirmDialog>
    </Section>
  );
}
