import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { canRead } from '#shared/domain/auth.ts';
import { declarationSchema } from '#shared/domain/declaration.ts';
import { pipelineMessageSchema, SUBMITTED_TEXT_MAX_BYTES, submittedCopyBytes, submittedTextOf } from '#shared/domain/declaration-record.ts';
import { generateUcr, newDeclarationId } from '#shared/domain/ids.ts';
import { problemsFromZod, toPointer } from '#shared/domain/problems.ts';
import { principalFromEvent } from '#shared/http/principal.ts';
import { validImport } from '#tests/integration/support.ts';

const problemsOf = (input: unknown) => {
  const parsed = declarationSchema.safeParse(input, { reportInput: true });
  if (parsed.success) throw new Error('expected the input to be refused');
  return problemsFromZod(parsed.error).map(({ pointer, code }) => [pointer, code]);
};

describe('declaration schema problems', () => {
  it('reports missing fields, enums included, as REQUIRED at their pointer', () => {
    // Act
    const problems = problemsOf({ lrn: 'A-1' });

    // Assess
    expect(problems).toContainEqual(['/type', 'REQUIRED']);
    expect(problems).toContainEqual(['/items', 'REQUIRED']);
    expect(problems).not.toContainEqual(['/lrn', 'REQUIRED']);
  });

  it('refuses money as a JSON number and decimals with too many places', () => {
    // Prepare
    const declaration = validImport() as unknown as { valuation: Record<string, unknown>; items: Record<string, unknown>[] };
    declaration.valuation.invoiceTotal = 5000;
    declaration.items[0]!.invoiceAmount = '10.1234';

    // Act
    const problems = problemsOf(declaration);

    // Assess
    expect(problems).toEqual([
      ['/valuation/invoiceTotal', 'INVALID_TYPE'],
      ['/items/0/invoiceAmount', 'INVALID_FORMAT'],
    ]);
  });

  it('names each unknown field with its own pointer', () => {
    // Prepare
    const declaration = { ...validImport(), colour: 'red', 'a/b': 1 };

    // Act
    const problems = problemsOf(declaration);

    // Assess
    expect(problems).toEqual([
      ['/colour', 'UNKNOWN_FIELD'],
      ['/a~1b', 'UNKNOWN_FIELD'],
    ]);
  });

  it('accepts the reference example', () => {
    expect(declarationSchema.safeParse(validImport()).success).toBe(true);
  });
});

describe('JSON pointers', () => {
  it('escapes ~ and / as RFC 6901 requires', () => {
    expect(toPointer(['items', 0, 'a~b/c'])).toBe('/items/0/a~0b~1c');
    expect(toPointer([])).toBe('');
  });
});

describe('identifiers', () => {
  it('builds a WCO UCR from the year digit, the EORI and a reference unique to the LRN, at most 35 characters', () => {
    // Prepare
    const at = new Date('2026-03-01T00:00:00Z');
    const lrns = ['acme_2026/7', 'ACME_2026/7', `${'X'.repeat(19)}A`, `${'X'.repeat(19)}B`, 'X'.repeat(35)];

    // Act
    const ucrs = lrns.map((lrn) => generateUcr(at, 'GB123456789000', lrn));
    const longestEori = generateUcr(at, 'GB123456789012345', 'L1');

    // Assess: LRNs differing only in case or after the 19th character get different UCRs
    expect(new Set(ucrs).size).toBe(lrns.length);
    for (const ucr of [...ucrs, longestEori]) {
      expect(ucr).toMatch(/^6GB[0-9]+-[0-9A-Z]+$/);
      expect(ucr).toHaveLength(35);
    }
    expect(generateUcr(at, 'GB123456789000', 'acme_2026/7')).toBe(ucrs[0]);
  });

  it('issues declaration ids that sort by time', () => {
    const first = newDeclarationId(new Date('2026-01-01T00:00:00Z'));
    const second = newDeclarationId(new Date('2026-01-01T00:00:01Z'));
    expect(first < second).toBe(true);
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe('principal and access', () => {
  const eventWith = (claims: Record<string, string>) =>
    ({ requestContext: { authorizer: { jwt: { claims, scopes: null } } } }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

  it('reads the groups API Gateway flattened into "[a b]" and the party claim', () => {
    // Act
    const principal = principalFromEvent(eventWith({ sub: 'u1', 'cognito:groups': '[trader officer]', 'custom:party_id': 'GB1' }));

    // Assess
    expect(principal).toEqual({ subject: 'u1', roles: ['trader', 'officer'], partyId: 'GB1' });
  });

  it('ignores unknown groups and lets a trader read only its own declarations', () => {
    // Prepare
    const trader = principalFromEvent(eventWith({ sub: 'u1', 'cognito:groups': '[trader superuser]', 'custom:party_id': 'GB1' }));
    const officer = principalFromEvent(eventWith({ sub: 'u2', 'cognito:groups': '[officer]' }));

    // Assess
    expect(trader.roles).toEqual(['trader']);
    expect(canRead(trader, 'GB1')).toBe(true);
    expect(canRead(trader, 'GB2')).toBe(false);
    expect(canRead(officer, 'GB2')).toBe(true);
  });
});

describe('submittedTextOf: the submitted bytes a pipeline message may carry', () => {
  it('gives the text of valid UTF-8 up to the limit, and nothing for larger bodies or bytes that are not UTF-8', () => {
    // Prepare
    const atLimit = Buffer.from(`"${'é'.repeat((SUBMITTED_TEXT_MAX_BYTES - 2) / 2)}"`, 'utf8');
    const overLimit = Buffer.concat([atLimit, Buffer.from(' ')]);
    const notUtf8 = Uint8Array.from([0x7b, 0xff, 0x7d]);

    // Act
    const texts = [submittedTextOf(atLimit), submittedTextOf(overLimit), submittedTextOf(notUtf8)];

    // Assess
    expect(atLimit.byteLength).toBe(SUBMITTED_TEXT_MAX_BYTES);
    expect(texts[0]).toBe(atLimit.toString('utf8'));
    expect(texts.slice(1)).toEqual([undefined, undefined]);
  });

  it('keeps a byte-order mark, so the text is the archived bytes again (the same SHA-256)', () => {
    // Prepare: a body as intake accepts it, with a UTF-8 byte-order mark
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"lrn":"A"}')]);

    // Act
    const back = submittedCopyBytes(submittedTextOf(withBom));

    // Assess
    expect(back && Buffer.from(back).equals(withBom)).toBe(true);
  });

  it('ignores a copy over the limit, and a message whose copy is not a string keeps its declaration and version', () => {
    // Prepare
    const overLimit = 'x'.repeat(SUBMITTED_TEXT_MAX_BYTES + 1);
    const declarationId = '01M8GRYAS4HK7SM1PZACFJ5T89';

    // Act
    const bytes = [submittedCopyBytes(overLimit), submittedCopyBytes('{}')];
    const parsed = pipelineMessageSchema.parse({ declarationId, version: 2, submittedText: 42 });

    // Assess
    expect(bytes[0]).toBeUndefined();
    expect(bytes[1] && Buffer.from(bytes[1]).toString('utf8')).toBe('{}');
    expect(parsed).toEqual({ declarationId, version: 2 });
  });
});
