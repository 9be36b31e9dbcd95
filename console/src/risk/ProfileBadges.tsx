/** A profile's state and outcome as text (never colour alone). */
import type { RiskProfile } from '#shared/risk/profile.ts';
import { isProfileActive } from '#shared/risk/profile.ts';
import { LaneBadge } from '../components/badges.tsx';
import { describeOutcome } from './summary.ts';

export function ProfileStatus({ profile }: { profile: RiskProfile }) {
  if (!profile.enabled) return <span className="badge status-disabled">Disabled</span>;
  const inForce = isProfileActive(profile, new Date().toISOString());
  return (
    <span className={`badge ${inForce ? 'status-released' : 'status-assessed'}`} title={inForce ? undefined : 'outside its validity dates'}>
      {inForce ? 'Enabled' : 'Enabled, not in force'}
    </span>
  );
}

export function OutcomeBadge({ outcome }: { outcome: RiskProfile['outcome'] }) {
  return 'lane' in outcome ? <LaneBadge lane={outcome.lane} /> : <span>{describeOutcome(outcome)}</span>;
}
