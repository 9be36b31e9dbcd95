/**
 * In-memory risk stores (profiles, trader profiles, selection statistics) and a fixed selection
 * secret, for use-case tests that need no local cloud. The contract suite (tests/contract) runs
 * the same checks against them and against the DynamoDB adapter and the local Secrets Manager,
 * so a use-case test on the fakes says something true about the platform.
 */

import type {
  ProfileEffectiveness,
  ProfilesSaved,
  RiskProfileStore,
  SecretSource,
  SelectionStatsStore,
  TraderProfileStore,
} from '#shared/ports/risk-stores.ts';
import type { Lane } from '#shared/risk/outcome.ts';
import { type RiskProfile, riskProfileSchema } from '#shared/risk/profile.ts';
import type { RecentSelectionRates } from '#shared/risk/selection.ts';
import { type TraderProfile, traderProfileSchema } from '#shared/risk/trader.ts';

/** What DynamoDB keeps of a value: JSON-like data, without undefined members (`removeUndefinedValues`). */
const stored = <T>(value: T): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** DynamoDB orders string sort keys by their UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

const padded = (version: number): string => String(version).padStart(6, '0');

/** Risk profile versions, each written once; read back through the schema, as the adapter does. */
export class InMemoryRiskProfileStore implements RiskProfileStore {
  /** By the adapter's index key (`<id>#<version, 6 digits>`): every version of every profile. */
  readonly #versions = new Map<string, Record<string, unknown>>();

  #saved: ProfilesSaved | undefined;

  async saveVersion(profile: RiskProfile): Promise<boolean> {
    const key = `${profile.id}#${padded(profile.version)}`;
    if (this.#versions.has(key)) return false;
    this.#versions.set(key, stored(profile));
    this.#saved = { count: (this.#saved?.count ?? 0) + 1, lastAt: profile.createdAt };
    return true;
  }

  async saved(): Promise<ProfilesSaved | undefined> {
    return this.#saved && { ...this.#saved };
  }

  async versions(id: string): Promise<RiskProfile[]> {
    return this.#sorted()
      .filter(([, item]) => item.id === id)
      .map(([, item]) => riskProfileSchema.parse(item));
  }

  async allVersions(): Promise<RiskProfile[]> {
    return this.#sorted().map(([, item]) => riskProfileSchema.parse(item));
  }

  #sorted(): [string, Record<string, unknown>][] {
    return [...this.#versions.entries()].sort(([a], [b]) => byteOrder(a, b));
  }

  readonly #effectiveness = new Map<string, ProfileEffectiveness>();

  async countEffectiveness(profileIds: readonly string[], counts: Partial<ProfileEffectiveness>): Promise<void> {
    for (const id of new Set(profileIds)) {
      // Read and written in one step, as an ADD is: no await between them, so no update is lost.
      const current = this.#effectiveness.get(id) ?? { selections: 0, inspections: 0, hits: 0 };
      this.#effectiveness.set(id, {
        selections: current.selections + (counts.selections ?? 0),
        inspections: current.inspections + (counts.inspections ?? 0),
        hits: current.hits + (counts.hits ?? 0),
      });
    }
  }

  async effectiveness(profileId: string): Promise<ProfileEffectiveness> {
    return { ...(this.#effectiveness.get(profileId) ?? { selections: 0, inspections: 0, hits: 0 }) };
  }
}

/** Trader profiles, with the adapter's update semantics (only missing attributes get defaults). */
export class InMemoryTraderProfileStore implements TraderProfileStore {
  readonly #items = new Map<string, Record<string, unknown>>();

  /** Always as stored now: an eventually consistent read may be behind, and callers must be right either way. */
  async get(partyId: string, _read?: { consistent: boolean }): Promise<TraderProfile | undefined> {
    const item = this.#items.get(partyId);
    return item ? parseTrader(item) : undefined;
  }

  async put(profile: TraderProfile): Promise<void> {
    this.#items.set(profile.partyId, stored(profile));
  }

  async setStatus(
    partyId: string,
    status: { aeo: TraderProfile['aeo']; trusted: boolean; name?: string | undefined },
  ): Promise<TraderProfile> {
    const item = this.#item(partyId);
    item.aeo = status.aeo;
    item.trusted = status.trusted;
    if (status.name) item.name = status.name;
    // firstSeen / lastSeen are left to the declaration count, as in the adapter.
    for (const counter of ['declarationsCount', 'inspections', 'discrepancies']) if (!(counter in item)) item[counter] = 0;
    return parseTrader(item);
  }

  async countDeclaration(partyId: string, at: string): Promise<void> {
    const item = this.#item(partyId);
    // if_not_exists: an attribute stored as null exists (and stays null).
    const ifMissing = (name: string, value: unknown) => {
      if (!(name in item)) item[name] = value;
    };
    ifMissing('aeo', null);
    ifMissing('trusted', false);
    ifMissing('inspections', 0);
    ifMissing('discrepancies', 0);
    ifMissing('firstSeen', at);
    item.lastSeen = at;
    item.declarationsCount = Number(item.declarationsCount ?? 0) + 1;
  }

  async recordInspection(partyId: string, discrepancy: boolean): Promise<void> {
    const item = this.#item(partyId);
    const ifMissing = (name: string, value: unknown) => {
      if (!(name in item)) item[name] = value;
    };
    ifMissing('aeo', null);
    ifMissing('trusted', false);
    ifMissing('declarationsCount', 0);
    item.inspections = Number(item.inspections ?? 0) + 1;
    item.discrepancies = Number(item.discrepancies ?? 0) + (discrepancy ? 1 : 0);
  }

  /** The stored item, created with only its key when missing (as an UpdateItem does). */
  #item(partyId: string): Record<string, unknown> {
    const item = this.#items.get(partyId) ?? {};
    item.partyId = partyId;
    this.#items.set(partyId, item);
    return item;
  }
}

/** A stored trader; a profile an admin set before any declaration has no first/last seen yet. */
const parseTrader = (item: Record<string, unknown>): TraderProfile =>
  traderProfileSchema.parse({ firstSeen: null, lastSeen: null, ...structuredClone(item) });

/** Per office and day, declarations and lanes before top-up. */
export class InMemorySelectionStatsStore implements SelectionStatsStore {
  /** By office, then by day. */
  readonly #stats = new Map<string, Map<string, Record<string, number>>>();

  async record(office: string, day: string, laneBeforeTopUp: Lane): Promise<void> {
    const days = this.#stats.get(office) ?? new Map<string, Record<string, number>>();
    this.#stats.set(office, days);
    const counts = days.get(day) ?? {};
    days.set(day, counts);
    counts.declarations = (counts.declarations ?? 0) + 1;
    counts[laneBeforeTopUp] = (counts[laneBeforeTopUp] ?? 0) + 1;
  }

  /** As the adapter: every day from the earliest to the latest given (one range query). */
  async recent(office: string, days: readonly string[]): Promise<RecentSelectionRates> {
    const tally: RecentSelectionRates = { declarations: 0, lanes: { GREEN: 0, BLUE: 0, YELLOW: 0, RED: 0 } };
    if (days.length === 0) return tally;
    const sorted = [...days].sort();
    const [from, to] = [`DAY#${sorted[0]}`, `DAY#${sorted.at(-1)}`];
    for (const [day, counts] of this.#stats.get(office) ?? []) {
      const key = `DAY#${day}`;
      if (byteOrder(key, from) < 0 || byteOrder(key, to) > 0) continue;
      tally.declarations += counts.declarations ?? 0;
      for (const lane of ['GREEN', 'BLUE', 'YELLOW', 'RED'] as const) tally.lanes[lane] += counts[lane] ?? 0;
    }
    return tally;
  }
}

/** The region's selection secret, fixed; refused when too short, as the Secrets Manager source refuses it. */
export class FixedSecretSource implements SecretSource {
  constructor(private readonly secret = 'fixed selection secret for tests, not a real one') {}

  async selectionSecret(): Promise<string> {
    if (this.secret.length < 32) throw new Error('the risk selection secret is missing or too short');
    return this.secret;
  }
}
