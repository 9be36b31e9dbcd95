/**
 * Officers and administrators manage risk profiles themselves, without a deployment: create,
 * edit (a new immutable version), disable, list, and dry-run against recent declarations.
 */
import { type Principal, requireRole } from '#shared/domain/auth.ts';
import { newDeclarationId } from '#shared/domain/ids.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { DeclarationListings } from '#shared/ports/declarations.ts';
import type { ProfileEffectiveness, RiskProfileStore, TraderProfileStore } from '#shared/ports/risk-stores.ts';
import { type DryRunResult, dryRun } from '#shared/risk/dry-run.ts';
import { nextVersion, parseRiskProfileInput, type RiskProfile } from '#shared/risk/profile.ts';
import { type ScoreRiskDeps, versionsInForce } from './score-risk.ts';

const manage = (principal: Principal) => requireRole(principal, 'officer', 'admin');

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'RISK_PROFILE_NOT_FOUND', `no risk profile ${id}`)]);

export async function createRiskProfile(
  command: { principal: Principal; body: unknown },
  deps: { profiles: RiskProfileStore; clock: Clock },
): Promise<RiskProfile> {
  manage(command.principal);
  const input = parseRiskProfileInput(command.body);
  const now = deps.clock.now();
  const profile = nextVersion(undefined, input, {
    id: `RP-${newDeclarationId(now)}`,
    at: now.toISOString(),
    by: command.principal.subject,
  });
  await deps.profiles.saveVersion(profile);
  return profile;
}

/** Saves an edit as version n + 1. `expectedVersion` (If-Match) guards against overwriting a concurrent edit. */
export async function editRiskProfile(
  command: { principal: Principal; id: string; body: unknown; expectedVersion?: number | undefined },
  deps: { profiles: RiskProfileStore; clock: Clock },
): Promise<RiskProfile> {
  manage(command.principal);
  const input = parseRiskProfileInput(command.body);
  return saveNextVersion(command, deps, () => input);
}

export async function disableRiskProfile(
  command: { principal: Principal; id: string; expectedVersion?: number | undefined },
  deps: { profiles: RiskProfileStore; clock: Clock },
): Promise<RiskProfile> {
  manage(command.principal);
  return saveNextVersion(command, deps, (current) => ({ ...current, enabled: false }));
}

async function saveNextVersion(
  command: { principal: Principal; id: string; expectedVersion?: number | undefined },
  deps: { profiles: RiskProfileStore; clock: Clock },
  change: (current: RiskProfile) => Parameters<typeof nextVersion>[1],
): Promise<RiskProfile> {
  const current = (await deps.profiles.versions(command.id)).at(-1);
  if (!current) throw notFound(command.id);
  if (command.expectedVersion !== undefined && command.expectedVersion !== current.version) {
    throw new DomainError('PRECONDITION_FAILED', 'Edited meanwhile', [
      problem(
        '',
        'RISK_PROFILE_EDITED',
        `profile ${command.id} is at version ${current.version}, not ${command.expectedVersion}; reload it and edit that version`,
      ),
    ]);
  }
  const now = deps.clock.now().toISOString();
  const next = nextVersion(current, change(current), { id: command.id, at: now, by: command.principal.subject });
  if (!(await deps.profiles.saveVersion(next))) throw staleEdit(command.id, current.version + 1);
  return next;
}

const staleEdit = (id: string, version: number) =>
  new DomainError('CONFLICT', 'Edited meanwhile', [
    problem('', 'RISK_PROFILE_EDITED', `profile ${id} is at version ${version} now; reload it and edit that version`),
  ]);

export async function listRiskProfiles(
  query: { principal: Principal },
  deps: { profiles: RiskProfileStore },
): Promise<{ items: RiskProfile[]; effectiveness: Record<string, ProfileEffectiveness> }> {
  manage(query.principal);
  const current = new Map<string, RiskProfile>();
  for (const profile of await deps.profiles.allVersions()) {
    const seen = current.get(profile.id);
    if (!seen || seen.version < profile.version) current.set(profile.id, profile);
  }
  const items = [...current.values()].sort((a, b) => a.id.localeCompare(b.id));
  // One read per profile: profiles are tens, and the list page shows how well each selects.
  const counts = await Promise.all(items.map((profile) => deps.profiles.effectiveness(profile.id)));
  return { items, effectiveness: Object.fromEntries(items.map((profile, index) => [profile.id, counts[index]!])) };
}

export async function getRiskProfileVersions(
  query: { principal: Principal; id: string },
  deps: { profiles: RiskProfileStore },
): Promise<{ items: RiskProfile[]; effectiveness: ProfileEffectiveness }> {
  manage(query.principal);
  const [versions, effectiveness] = await Promise.all([deps.profiles.versions(query.id), deps.profiles.effectiveness(query.id)]);
  if (versions.length === 0) throw notFound(query.id);
  return { items: versions, effectiveness };
}

/**
 * "How many recent declarations would this profile have selected?" Evaluates a draft profile
 * against the declarations of the last `days` days (at most `limit`), with the other profiles in
 * force, the trader profiles and the valuation references, as scoring would.
 */
export async function dryRunRiskProfile(
  command: { principal: Principal; body: unknown; days: number; limit: number },
  deps: Pick<ScoreRiskDeps, 'profiles' | 'traders' | 'settings' | 'valuation'> & {
    repository: DeclarationListings;
    clock: Clock;
    traders: TraderProfileStore;
  },
): Promise<DryRunResult & { window: { from: string; to: string } }> {
  manage(command.principal);
  const input = parseRiskProfileInput(command.body);
  const now = deps.clock.now();
  const samples = [];
  const traders = new Map<string, Awaited<ReturnType<TraderProfileStore['get']>>>();
  for (let back = 0; back < command.days && samples.length < command.limit; back += 1) {
    const day = new Date(now.getTime() - back * 86_400_000).toISOString().slice(0, 10);
    let cursor: string | undefined;
    do {
      const page = await deps.repository.listByDay(day, { limit: Math.min(100, command.limit - samples.length), cursor });
      for (const record of page.items) {
        const party = record.declarantId; // as scoring does: the authenticated declarant
        if (!traders.has(party)) traders.set(party, await deps.traders.get(party));
        samples.push({ id: record.id, declaration: record.declaration, trader: traders.get(party) });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor && samples.length < command.limit);
  }
  const [all, settings, valuation] = await Promise.all([
    deps.profiles.allVersions(),
    deps.settings(now.toISOString()),
    deps.valuation(now.toISOString()),
  ]);
  const result = dryRun(input, samples, {
    profiles: versionsInForce(all, now.toISOString()),
    valuation,
    thresholds: settings.thresholds,
  });
  const from = new Date(now.getTime() - (command.days - 1) * 86_400_000).toISOString().slice(0, 10);
  return { ...result, window: { from, to: now.toISOString().slice(0, 10) } };
}
