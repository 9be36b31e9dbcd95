/**
 * In-memory reference document store, for use-case tests that need no local cloud. The contract
 * suite (tests/contract) runs the same checks against it and against the adapter on the local
 * cloud (S3 objects, pointer and load history in DynamoDB), so a use-case test on the fake says
 * something true about the platform.
 */
import type { ReferenceDocumentKind, ReferenceDocumentStore, ReferenceDocumentVersion } from '#shared/ports/reference-documents.ts';

/** DynamoDB orders string sort keys by their UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The adapter's history item key: loads sort by time, then version. */
const loadKey = (loadedAt: string, version: string): string => `LOAD#${loadedAt}#${version}`;

/**
 * As the adapter: every load is an item of the history (loading the same version at the same
 * moment again changes nothing; at another moment it is a new load), the current version is a
 * pointer to the latest put, and parsed documents are kept per store, two per kind at most.
 */
export class InMemoryReferenceDocumentStore implements ReferenceDocumentStore {
  /** The bytes of each version (`<kind>/<version>`), as the bucket holds them: a put of a version again overwrites. */
  readonly #objects = new Map<string, Uint8Array>();
  readonly #loads = new Map<ReferenceDocumentKind, Map<string, ReferenceDocumentVersion>>();
  readonly #current = new Map<ReferenceDocumentKind, ReferenceDocumentVersion>();
  /** Parsed documents by `<kind>/<version>`, least recently used first. */
  readonly #cache = new Map<string, unknown>();
  static readonly cachedPerKind = 2;

  async put(
    kind: ReferenceDocumentKind,
    version: string,
    content: Uint8Array,
    meta: { at: string; by: string },
  ): Promise<ReferenceDocumentVersion> {
    this.#objects.set(`${kind}/${version}`, Uint8Array.from(content));
    const loaded: ReferenceDocumentVersion = { kind, version, loadedAt: meta.at, loadedBy: meta.by, bytes: content.byteLength };
    const loads = this.#loads.get(kind) ?? new Map<string, ReferenceDocumentVersion>();
    this.#loads.set(kind, loads);
    loads.set(loadKey(meta.at, version), loaded);
    this.#current.set(kind, loaded);
    return { ...loaded };
  }

  async current<T>(kind: ReferenceDocumentKind, parse: (raw: unknown) => T): Promise<{ version: string; document: T } | undefined> {
    const version = this.#current.get(kind)?.version;
    return version ? this.#load(kind, version, parse) : undefined;
  }

  async asOf<T>(
    kind: ReferenceDocumentKind,
    at: string,
    parse: (raw: unknown) => T,
  ): Promise<{ version: string; document: T } | undefined> {
    const keys = [...(this.#loads.get(kind)?.keys() ?? [])].sort(byteOrder);
    // As the adapter: '~' sorts after every character of a version, so a load at exactly `at`
    // counts; work from before the first load uses that first load.
    const last = `LOAD#${at}#~`;
    const key = keys.filter((candidate) => byteOrder(candidate, last) <= 0).at(-1) ?? keys[0];
    const found = key === undefined ? undefined : this.#loads.get(kind)?.get(key);
    return found ? this.#load(kind, found.version, parse) : undefined;
  }

  async history(kind: ReferenceDocumentKind): Promise<ReferenceDocumentVersion[]> {
    const loads = this.#loads.get(kind) ?? new Map<string, ReferenceDocumentVersion>();
    return [...loads.keys()]
      .sort(byteOrder)
      .reverse()
      .slice(0, 100)
      .map((key) => ({ ...(loads.get(key) as ReferenceDocumentVersion) }));
  }

  async #load<T>(kind: ReferenceDocumentKind, version: string, parse: (raw: unknown) => T): Promise<{ version: string; document: T }> {
    const cacheKey = `${kind}/${version}`;
    const hit = this.#cache.get(cacheKey);
    if (hit !== undefined) {
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, hit);
    } else {
      const bytes = this.#objects.get(cacheKey);
      if (!bytes) throw Object.assign(new Error(`reference document ${cacheKey} does not exist`), { name: 'NoSuchKey' });
      const cachedOfKind = [...this.#cache.keys()].filter((key) => key.startsWith(`${kind}/`));
      if (cachedOfKind.length >= InMemoryReferenceDocumentStore.cachedPerKind) this.#cache.delete(cachedOfKind[0] as string);
      this.#cache.set(cacheKey, parse(JSON.parse(Buffer.from(bytes).toString('utf8'))));
    }
    return { version, document: this.#cache.get(cacheKey) as T };
  }
}
