/** In-memory permits; the contract suite holds them to what the DynamoDB adapter does. */
import type { Permit, PermitDraw } from '#shared/domain/permits.ts';
import type { DrawOutcome, PermitStore } from '#shared/ports/permits.ts';
import { Dec, plain } from '#shared/tariff/money.ts';

export class InMemoryPermitStore implements PermitStore {
  readonly #permits = new Map<string, Permit>();
  readonly #draws = new Map<string, Map<string, PermitDraw>>();

  async create(permit: Permit): Promise<boolean> {
    if (this.#permits.has(permit.id)) return false;
    this.#permits.set(permit.id, structuredClone(permit));
    return true;
  }

  async get(id: string): Promise<Permit | undefined> {
    const permit = this.#permits.get(id);
    return permit ? structuredClone(permit) : undefined;
  }

  async listByAgency(agencyId: string): Promise<Permit[]> {
    return this.#list((permit) => permit.agencyId === agencyId);
  }

  async listByHolder(holderId: string): Promise<Permit[]> {
    return this.#list((permit) => permit.holderId === holderId);
  }

  async decide(decided: Permit): Promise<boolean> {
    const stored = this.#permits.get(decided.id);
    if (stored?.status !== 'APPLIED') return false;
    this.#permits.set(decided.id, structuredClone(decided));
    return true;
  }

  async draw(permitId: string, declarationId: string, quantity: string, at: string): Promise<DrawOutcome> {
    const permit = this.#permits.get(permitId);
    const draws = this.#draws.get(permitId) ?? new Map<string, PermitDraw>();
    if (draws.has(declarationId)) return 'already';
    if (permit?.status !== 'APPROVED' || new Dec(permit.remaining ?? '0').lessThan(quantity)) return 'insufficient';
    permit.remaining = plain(new Dec(permit.remaining ?? '0').minus(quantity));
    draws.set(declarationId, { declarationId, quantity, at });
    this.#draws.set(permitId, draws);
    return 'drawn';
  }

  async giveBack(permitId: string, declarationId: string, quantity: string): Promise<boolean> {
    const permit = this.#permits.get(permitId);
    const draws = this.#draws.get(permitId);
    if (!permit || !draws?.delete(declarationId)) return false;
    permit.remaining = plain(new Dec(permit.remaining ?? '0').plus(quantity));
    return true;
  }

  async draws(permitId: string): Promise<PermitDraw[]> {
    return [...(this.#draws.get(permitId)?.values() ?? [])]
      .sort((a, b) => (a.declarationId < b.declarationId ? -1 : a.declarationId > b.declarationId ? 1 : 0))
      .map((draw) => structuredClone(draw));
  }

  #list(keep: (permit: Permit) => boolean): Permit[] {
    return [...this.#permits.values()]
      .filter(keep)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((permit) => structuredClone(permit));
  }
}
