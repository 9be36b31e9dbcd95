/**
 * The declaration item codec: the small state item round-trips, and items stored in the shapes
 * before it (gzip `<name>Gz`, the risk outcome inside the item, the submission with bucket and key,
 * duties and amountDue as maps) still read.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePart, decodeStateItem, encodeChanges, encodeNewDeclaration, encodePart } from '#shared/adapters/declaration-item-codec.ts';
import { archiveKeys } from '#shared/domain/archive-keys.ts';
import { type DeclarationRecord, type DeclarationState, declarationRecordSchema } from '#shared/domain/declaration-record.ts';

const legacy = JSON.parse(readFileSync(new URL('../fixtures/stored-items/released-before-small-state.json', import.meta.url), 'utf8')) as {
  attributes: Record<string, unknown>;
  gzipped: Record<string, unknown>;
};

/** The item as the earlier codec wrote it: each gzipped field as `<name>Gz`. */
const legacyItem = (): Record<string, unknown> => ({
  ...structuredClone(legacy.attributes),
  ...Object.fromEntries(Object.entries(legacy.gzipped).map(([name, value]) => [`${name}Gz`, gzipSync(JSON.stringify(value))])),
});

/** The fixture's released declaration as a record (its risk outcome beside the state, a body the codec never stores). */
function releasedRecord(): DeclarationRecord {
  const { attributes, gzipped } = legacy;
  const { PK, SK, GSI1PK, GSI1SK, GSI3PK, GSI3SK, entity, assessmentRef, ...state } = structuredClone(attributes);
  const sha256 = String((state.submission as { sha256: string }).sha256);
  return declarationRecordSchema.parse({
    ...state,
    ...gzipped,
    riskScore: -40,
    submission: { key: archiveKeys.submitted(String(state.id), sha256), versionId: '1', sha256, bytes: 863 },
    declaration: JSON.parse(readFileSync(new URL('../fixtures/declarations/valid-import.json', import.meta.url), 'utf8')),
  });
}

const stateOf = ({ declaration: _body, risk: _risk, assessment: _assessment, reassessment: _reassessment, ...state }: DeclarationRecord) =>
  state;

describe('the state item codec', () => {
  it('reads an item stored before the state item was made small: outcomes, risk, submission key and duties as they were', () => {
    // Prepare
    const item = legacyItem();

    // Act
    const decoded = decodeStateItem(item);

    // Assess
    expect(decoded.state).toMatchObject({
      status: 'RELEASED',
      lastEvent: legacy.gzipped.lastEvent,
      validation: legacy.gzipped.validation,
      submission: legacy.attributes.submission,
      duties: legacy.attributes.duties,
      amountDue: legacy.attributes.amountDue,
      // Listings show the score of a risk outcome stored inside the item.
      riskScore: -40,
    });
    expect(decoded.legacy.risk).toEqual(legacy.gzipped.risk);
    expect(decoded.partRefs.assessment).toEqual(legacy.attributes.assessmentRef);
    expect(decoded.partRefs.risk).toBeUndefined();
  });

  it('round-trips a new state item: the same state back, without the risk outcome, the id, the bucket or a derivable key', () => {
    // Prepare
    const record = releasedRecord();

    // Act
    const item = encodeNewDeclaration(record);
    const decoded = decodeStateItem(item);

    // Assess
    expect(decoded.state).toEqual(stateOf(record));
    expect(item.submission).toEqual({ versionId: '1', sha256: record.submission.sha256, bytes: 863 });
    expect(Object.keys(item).filter((name) => name.endsWith('Gz') || name === 'risk' || name === 'riskGz')).toEqual([]);
    // The id is the table key's, stored once.
    expect(item).not.toHaveProperty('id');
    expect(item).toHaveProperty('lastEventZ');
    expect(item).toHaveProperty('dutiesZ');
  });

  it('keeps the key of a submission archived under an earlier layout, and rebuilds an amendment key from the amendment', () => {
    // Prepare
    const record = releasedRecord();
    const earlier = { ...record.submission, key: `declarations/${record.id}/submitted.json` };
    const amended = { ...record.submission, key: archiveKeys.amendment(record.id, 2, record.submission.sha256) };

    // Act
    const earlierItem = { ...encodeNewDeclaration(record), ...encodeChanges(record.id, { submission: earlier }).set };
    const amendedItem = { ...encodeNewDeclaration(record), ...encodeChanges(record.id, { submission: amended, amendment: 2 }).set };
    const unknownAmendment = encodeChanges(record.id, { submission: amended }).set;

    // Assess
    expect(decodeStateItem(earlierItem).state.submission.key).toBe(earlier.key);
    expect(amendedItem.submission).toEqual({ versionId: '1', sha256: record.submission.sha256, bytes: 863, amendment: 2 });
    expect(decodeStateItem(amendedItem).state.submission.key).toBe(amended.key);
    // Not knowing which amendment the item holds, the key is kept.
    expect(unknownAmendment.submission).toHaveProperty('key', amended.key);
  });

  it('sets a compressed field in its new form and removes the forms it was stored in before', () => {
    // Prepare
    const record = releasedRecord();

    // Act
    const encoded = encodeChanges(record.id, { duties: record.duties, lastEvent: record.lastEvent } satisfies Partial<DeclarationState>);
    const after = { ...legacyItem(), ...encoded.set };
    for (const name of encoded.remove) delete after[name];

    // Assess
    expect(encoded.remove).toEqual(['duties', 'dutiesGz', 'lastEvent', 'lastEventGz']);
    expect(decodeStateItem(after).state).toMatchObject({ duties: record.duties, lastEvent: record.lastEvent });
  });

  it('reads a risk outcome part back, validated', () => {
    // Prepare
    const record = releasedRecord();
    const parts = encodePart(record.id, 'risk', 'r1', record.risk);

    // Act
    const risk = decodePart(parts, record.id, 'risk', { ref: 'r1', chunks: parts.length });

    // Assess
    expect(risk).toEqual(legacy.gzipped.risk);
    expect(() => decodePart(parts, record.id, 'assessment', { ref: 'r1', chunks: 1 })).toThrow(/assessment/);
  });
});
