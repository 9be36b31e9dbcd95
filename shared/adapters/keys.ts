/**
 * DynamoDB key builders for the single table. Every access pattern is listed in
 * docs/data-model.md next to the keys it uses; add new patterns there too.
 */
export const keys = {
  declaration: (id: string) => ({ PK: `DECL#${id}`, SK: 'META' }),
  /** GSI1: a declarant's declarations, newest first. */
  declarationByDeclarant: (declarantId: string, submittedAt: string, id: string) => ({
    GSI1PK: `PARTY#${declarantId}`,
    GSI1SK: `${submittedAt}#${id}`,
  }),
  declarantPartition: (declarantId: string) => `PARTY#${declarantId}`,
  /** History event of a declaration, one per version: zero-padded so they sort. */
  historyEvent: (id: string, version: number) => ({ PK: `DECL#${id}`, SK: `EV#${String(version).padStart(6, '0')}` }),
  historyEventPrefix: 'EV#',
  /** GSI2: the officer review queue per lane and office, oldest first. */
  reviewQueueEntry: (lane: string, office: string, queuedAt: string, id: string) => ({
    GSI2PK: `LANE#${lane}#${office}`,
    GSI2SK: `${queuedAt}#${id}`,
  }),
  reviewQueuePartition: (lane: string, office: string) => `LANE#${lane}#${office}`,
  /** Guard that makes an LRN unique per declarant. */
  lrnGuard: (declarantId: string, lrn: string) => ({ PK: `LRN#${declarantId}#${lrn}`, SK: 'META' }),
} as const;

export const entityTypes = {
  declaration: 'Declaration',
  historyEvent: 'HistoryEvent',
  lrnGuard: 'LrnGuard',
} as const;
