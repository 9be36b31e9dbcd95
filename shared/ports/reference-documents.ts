/**
 * The reference document store: each load an immutable version named by its content, the current
 * version a pointer, and the version in force at any past moment readable.
 */
export const referenceDocumentKinds = [
  'tariffPack',
  'exchangeRates',
  'alcoholDutyRates',
  'valuationReferences',
  'riskSettings',
  'permitRules',
] as const;
export type ReferenceDocumentKind = (typeof referenceDocumentKinds)[number];

export interface ReferenceDocumentVersion {
  kind: ReferenceDocumentKind;
  version: string;
  loadedAt: string;
  loadedBy: string;
  bytes: number;
}

export interface ReferenceDocumentStore {
  /** Stores a version (idempotent for the same content) and makes it current. */
  put(
    kind: ReferenceDocumentKind,
    version: string,
    content: Uint8Array,
    meta: { at: string; by: string },
  ): Promise<ReferenceDocumentVersion>;
  /** The current version's content, parsed and cached per version. */
  current<T>(kind: ReferenceDocumentKind, parse: (raw: unknown) => T): Promise<{ version: string; document: T } | undefined>;
  /** The version that was current at `at` (ISO date-time): work is done with what was in force when it was submitted. */
  asOf<T>(kind: ReferenceDocumentKind, at: string, parse: (raw: unknown) => T): Promise<{ version: string; document: T } | undefined>;
  /** Loaded versions, newest first. */
  history(kind: ReferenceDocumentKind): Promise<ReferenceDocumentVersion[]>;
}
