/** In-memory cargo reports; the contract suite holds them to the DynamoDB adapter. */
import { type CargoLine, type StoredManifest, type TransportDocument, transportDocumentKey } from '#shared/domain/cargo-reports.ts';
import {
  type ArrivalWaiter,
  type CargoReports,
  type CreateManifestResult,
  type DischargeResult,
  decodeUndeclaredCursor,
  encodeUndeclaredCursor,
  type PutLineResult,
  type UndeclaredGoodsPage,
  undeclaredPosition,
} from '#shared/ports/cargo-reports.ts';

export class InMemoryCargoReports implements CargoReports {
  readonly #manifests = new Map<string, StoredManifest>();
  readonly #lines = new Map<string, CargoLine>();
  readonly #waiters = new Map<string, Map<string, ArrivalWaiter>>();
  /** Undeclared entries by office: position to transport document key. */
  readonly #undeclared = new Map<string, Map<string, string>>();

  async createManifest(manifest: StoredManifest): Promise<CreateManifestResult> {
    const existing = this.#manifests.get(manifest.id);
    if (existing) return { outcome: 'exists', existing: structuredClone(existing) };
    this.#manifests.set(manifest.id, structuredClone(manifest));
    return { outcome: 'created' };
  }

  async getManifest(id: string): Promise<StoredManifest | undefined> {
    const manifest = this.#manifests.get(id);
    return manifest ? structuredClone(manifest) : undefined;
  }

  async findLines(documents: readonly TransportDocument[]): Promise<(CargoLine | undefined)[]> {
    return documents.map((document) => {
      const line = this.#lines.get(transportDocumentKey(document));
      return line ? structuredClone(line) : undefined;
    });
  }

  async putLine(line: CargoLine): Promise<PutLineResult> {
    const key = transportDocumentKey(line.transportDocument);
    const existing = this.#lines.get(key);
    if (existing && existing.manifestId !== line.manifestId) return { outcome: 'taken', existing: structuredClone(existing) };
    if (!existing) this.#lines.set(key, structuredClone(line));
    if (!existing?.dischargedBy) {
      const office = this.#undeclared.get(line.office) ?? new Map<string, string>();
      this.#undeclared.set(line.office, office);
      office.set(undeclaredPosition(line), key);
    }
    return existing ? { outcome: 'taken', existing: structuredClone(existing) } : { outcome: 'written' };
  }

  async linesByUcr(ucr: string, limit: number): Promise<CargoLine[]> {
    return [...this.#lines.entries()]
      .filter(([, line]) => line.ucr === ucr)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, limit)
      .map(([, line]) => structuredClone(line));
  }

  async discharge(document: TransportDocument, declarationId: string, at: string): Promise<DischargeResult> {
    const line = this.#lines.get(transportDocumentKey(document));
    if (!line) return { outcome: 'missing' };
    if (line.dischargedBy && line.dischargedBy.declarationId !== declarationId) return { outcome: 'taken', line: structuredClone(line) };
    line.dischargedBy ??= { declarationId, at };
    this.#undeclared.get(line.office)?.delete(undeclaredPosition(line));
    this.#waiters.get(transportDocumentKey(document))?.delete(declarationId);
    return { outcome: 'discharged', line: structuredClone(line) };
  }

  async awaitArrival(document: TransportDocument, waiter: ArrivalWaiter): Promise<void> {
    const key = transportDocumentKey(document);
    const waiters = this.#waiters.get(key) ?? new Map<string, ArrivalWaiter>();
    this.#waiters.set(key, waiters);
    waiters.set(waiter.declarationId, { ...waiter });
  }

  async waitingFor(document: TransportDocument): Promise<ArrivalWaiter[]> {
    return [...(this.#waiters.get(transportDocumentKey(document))?.values() ?? [])]
      .sort((a, b) => a.declarationId.localeCompare(b.declarationId))
      .map((waiter) => ({ ...waiter }));
  }

  async listUndeclared(
    office: string,
    options: { arrivedBefore: string; limit: number; cursor: string | undefined },
  ): Promise<UndeclaredGoodsPage> {
    const after = options.cursor === undefined ? undefined : decodeUndeclaredCursor(options.cursor, office);
    const entries = [...(this.#undeclared.get(office)?.entries() ?? [])]
      .filter(([position]) => position < options.arrivedBefore && (after === undefined || position > after))
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, options.limit);
    const items = entries.flatMap(([position, key]) => {
      const line = this.#lines.get(key);
      return line && !line.dischargedBy && undeclaredPosition(line) === position ? [structuredClone(line)] : [];
    });
    const last = entries.at(-1);
    return { items, nextCursor: entries.length === options.limit && last ? encodeUndeclaredCursor(office, last[0]) : null };
  }
}
