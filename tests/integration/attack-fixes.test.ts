/**
 * The reproductions of the attack on the platform (issue 7), each one ordinary request against the
 * local cloud, and what the platform must answer now.
 */
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { loadConfig } from '#shared/config.ts';

/** The intake function's configuration (the local cloud sets every function's variables). */
const intake = () => loadConfig('submitDeclaration');

import { seedDemoData } from '#local/seed.ts';
import { declarationBodies, declarationRepository, documentArchive, pipelineQueue, signingKeys } from '#shared/adapters/platform.ts';
import { TRADER_FAILURE_REASON } from '#shared/domain/declaration-record.ts';
import { submitDeclaration } from '#shared/usecases/submit-declaration.ts';
import { mulberry32 } from '#tests/support/prng.ts';
import { storeSubmittedWithBytes } from '#tests/support/stored-declaration.ts';
import { apiClient, declarationFor, eventually, newParty, openDefermentAccount } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
});

afterAll(async () => {
  await cloud?.stop();
});

interface Problems {
  status: number;
  problemCount: number;
  problems: { pointer: string; code: string; message: string }[];
}

const trader = (party: string) => cloud.mintToken({ role: 'trader', party });
const admin = () => cloud.mintToken({ role: 'admin' });
const final = ['RELEASED', 'UNDER_REVIEW', 'REJECTED'];

describe('1. a declaration intake accepts is always processable', () => {
  it('takes 999 items with incompressible 512-character descriptions (about 740 KB) to a final state', async () => {
    // Prepare: random descriptions defeat compression, as in the attack
    const random = mulberry32(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const party = newParty();
    const declaration = declarationFor(party, (d) => {
      const item = d.items[0]!;
      d.items = Array.from({ length: 999 }, () => ({
        ...item,
        description: Array.from({ length: 512 }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''),
        invoiceAmount: '10.00',
        netMassKg: '1',
      }));
      d.valuation.invoiceTotal = '9990.00';
      d.consignment.grossMassKg = '2000';
    });
    const body = JSON.stringify(declaration);

    // Act
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: trader(party), rawBody: body });
    const done = await eventually(
      async () => {
        const view = await api<{ status: string; assessment: { items: unknown[] } | null }>(
          'GET',
          `/v1/declarations/${submitted.body.id}`,
          { token: trader(party) },
        );
        return final.includes(view.body.status) ? view.body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    // Assess
    expect(body.length).toBeGreaterThan(700_000);
    expect(submitted.status).toBe(202);
    expect(['RELEASED', 'UNDER_REVIEW']).toContain(done.status);
    expect(done.assessment?.items).toHaveLength(999);
  }, 90_000);

  it('lets a retry of the same bytes finish at once after an intake failed half-way, storing one declaration', async () => {
    // Prepare: an intake whose state write fails once, after the LRN claim and the archive write
    const party = newParty();
    const body = Buffer.from(JSON.stringify(declarationFor(party)));
    const repository = declarationRepository(intake(), declarationBodies(intake()));
    let failures = 1;
    const failingOnce = Object.assign(Object.create(repository) as typeof repository, {
      create: async (record: Parameters<typeof repository.create>[0]) => {
        if (failures-- > 0) throw new Error('DynamoDB unavailable');
        return repository.create(record);
      },
    });
    const deps = {
      repository: failingOnce,
      archive: documentArchive(intake()),
      validationQueue: pipelineQueue(intake(), 'validation'),
      clock: { now: () => new Date() },
      signatures: { keys: signingKeys(intake()), required: false },
    };
    const principal = { subject: 'test', roles: ['trader'] as const, partyId: party };

    // Act
    const first = submitDeclaration({ principal, body }, deps);
    await expect(first).rejects.toThrow('DynamoDB unavailable');
    const retry = await submitDeclaration({ principal, body }, deps);
    const again = await submitDeclaration({ principal, body }, deps);

    // Assess
    expect(retry.status).toBe('SUBMITTED');
    expect(again.id).toBe(retry.id);
    const listed = await api<{ items: { id: string }[] }>('GET', '/v1/declarations', { token: trader(party) });
    expect(listed.body.items.map((item) => item.id)).toEqual([retry.id]);
  });
});

describe('2. error lists are bounded', () => {
  it('answers 999 items of 99 empty documents with the first 100 problems and the total count', async () => {
    // Prepare
    const party = newParty();
    const declaration = declarationFor(party, (d) => {
      const item = d.items[0]!;
      d.items = Array.from({ length: 999 }, () => ({ ...item, documents: Array.from({ length: 99 }, () => ({}) as never) }));
    });

    // Act
    const response = await api<Problems>('POST', '/v1/declarations', { token: trader(party), body: declaration });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toHaveLength(100);
    expect(response.body.problemCount).toBe(999 * 99 * 2);
    expect(JSON.stringify(response.body).length).toBeLessThan(64_000);
  });

  it('keeps each problem short when it echoes a 900,000-character field name', async () => {
    // Prepare
    const party = newParty();
    const declaration = { ...declarationFor(party), ['x'.repeat(900_000)]: 1 };

    // Act
    const response = await api<Problems>('POST', '/v1/declarations', { token: trader(party), body: declaration });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems[0]?.code).toBe('UNKNOWN_FIELD');
    expect(JSON.stringify(response.body).length).toBeLessThan(2_000);
  });

  it('refuses an exchange-rates body of 200,000 empty objects on its length', async () => {
    // Prepare
    const body = JSON.stringify({
      format: 'customs-clearance/exchange-rates@1',
      version: 'x',
      nationalCurrency: 'GBP',
      rates: Array(200_000).fill({}),
      notes: [],
    });

    // Act
    const response = await api<Problems>('PUT', '/v1/admin/reference-documents/exchange-rates', { token: admin(), rawBody: body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ pointer: '/rates', code: 'TOO_BIG' })]);
  });
});

describe('3. the role is checked before the body is read', () => {
  it('refuses a trader on an admin route with 403 whatever the body, and reads it for an admin', async () => {
    // Prepare: 50 MB of zeros in 50 KB of gzip, and bytes that are not gzip at all
    const bomb = gzipSync(Buffer.alloc(50_000_000));
    const headers = { 'content-encoding': 'gzip' };
    const send = (token: string, bytes: Buffer) =>
      fetch(`${cloud.apiUrl}/v1/admin/reference-documents/tariff-pack`, {
        method: 'PUT',
        headers: { ...headers, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: bytes,
      });

    // Act
    const traderBomb = await send(trader(newParty()), bomb);
    const traderGarbage = await send(trader(newParty()), Buffer.from('not gzip'));
    const adminGarbage = await send(admin(), Buffer.from('not gzip'));

    // Assess
    expect(traderBomb.status).toBe(403);
    expect(traderGarbage.status).toBe(403);
    expect(adminGarbage.status).toBe(400);
    expect(((await adminGarbage.json()) as Problems).problems[0]?.code).toBe('MALFORMED_GZIP');
  });

  it('sizes body limits to the route: a 100 KB risk profile is refused with 413', async () => {
    // Act
    const response = await api<Problems>('POST', '/v1/admin/risk-profiles', { token: admin(), body: { name: 'x'.repeat(100_000) } });

    // Assess
    expect(response.status).toBe(413);
    expect(response.body.problems[0]?.code).toBe('BODY_TOO_LARGE');
  });
});

describe('4. ids, party ids and cursors are checked before they reach DynamoDB', () => {
  it('answers 400 for a 5,000-character declaration id, an over-long trader id and malformed cursors', async () => {
    // Prepare
    const party = newParty();
    const keyCursor = (key: Record<string, string>) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const emptyValues = keyCursor({ GSI1PK: `PARTY#${party}`, GSI1SK: '', PK: '', SK: '' });
    const longValues = keyCursor({ GSI1PK: `PARTY#${party}`, GSI1SK: 'x'.repeat(1100), PK: 'DECL#x', SK: 'META' });

    // Act
    const longId = await api<Problems>('GET', `/v1/declarations/${'A'.repeat(5000)}`, { token: trader(party) });
    const longEvents = await api<Problems>('GET', `/v1/declarations/${'A'.repeat(5000)}/events`, { token: trader(party) });
    const longTrader = await api<Problems>('GET', `/v1/admin/traders/GB${'1'.repeat(3000)}`, { token: admin() });
    const empty = await api<Problems>('GET', `/v1/declarations?cursor=${emptyValues}`, { token: trader(party) });
    const long = await api<Problems>('GET', `/v1/declarations?cursor=${longValues}`, { token: trader(party) });
    const hexLimit = await api<Problems>('GET', '/v1/declarations?limit=0x10', { token: trader(party) });

    // Assess
    expect(longId.status).toBe(400);
    expect(longId.body.problems[0]?.pointer).toBe('/id');
    expect(longEvents.status).toBe(400);
    expect(longTrader.status).toBe(400);
    expect(longTrader.body.problems[0]?.pointer).toBe('/partyId');
    expect(empty.status).toBe(400);
    expect(empty.body.problems[0]?.code).toBe('INVALID_CURSOR');
    expect(long.status).toBe(400);
    expect(long.body.problems[0]?.code).toBe('INVALID_CURSOR');
    expect(hexLimit.status).toBe(400);
    expect(hexLimit.body.problems[0]?.pointer).toBe('/limit');
  });
});

describe('6. text refuses control characters and bidirectional overrides', () => {
  it.each([
    ['NUL', 'Steel\u0000bars'],
    ['an ESC sequence', 'Steel \u001b[31mbars'],
    ['CR LF', 'Steel\r\nINFO forged log line'],
    ['a C1 control', 'Steel\u0085bars'],
    ['a bidi override', 'Steel \u202Esrab'],
    ['a line separator', 'Steel\u2028bars'],
    ['a zero-width space', 'Steel\u200Bbars'],
    ['a byte order mark', 'Steel\uFEFFbars'],
    ['a tag character', 'Steel \u{E0041}bars'],
    ['a lone surrogate', 'Steel \uD800bars'],
  ])('refuses %s in an item description', async (_name, description) => {
    // Prepare
    const party = newParty();
    const declaration = declarationFor(party, (d) => {
      d.items[0]!.description = description;
    });

    // Act
    const response = await api<Problems>('POST', '/v1/declarations', { token: trader(party), body: declaration });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toContainEqual(expect.objectContaining({ pointer: '/items/0/description', code: 'CONTROL_CHARACTER' }));
  });

  it('refuses a bidi override in a risk profile name', async () => {
    // Act
    const response = await api<Problems>('POST', '/v1/admin/risk-profiles', {
      token: admin(),
      body: {
        name: 'Harmless \u202Eeliforp',
        reason: 'x',
        validFrom: '2020-01-01',
        criteria: { kind: 'origin', countries: ['TV'] },
        outcome: { score: 1 },
      },
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toContainEqual(expect.objectContaining({ pointer: '/name', code: 'CONTROL_CHARACTER' }));
  });
});

describe('1b. JSON nesting is bounded', () => {
  it.each([
    ['arrays', `${'['.repeat(6000)}${']'.repeat(6000)}`],
    ['objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
  ])('answers deeply nested %s with 400 JSON_TOO_DEEP, not 500', async (_kind, body) => {
    // Act
    const estimate = await api<Problems>('POST', '/v1/duty-estimates', { token: trader(newParty()), rawBody: body });
    const submit = await api<Problems>('POST', '/v1/declarations', { token: trader(newParty()), rawBody: body });

    // Assess
    expect(estimate.status).toBe(400);
    expect(estimate.body.problems[0]?.code).toBe('JSON_TOO_DEEP');
    expect(submit.status).toBe(400);
    expect(submit.body.problems[0]?.code).toBe('JSON_TOO_DEEP');
  });

  it('accepts zero-width joiners, which scripts need', async () => {
    // Prepare
    const party = newParty();
    const declaration = declarationFor(party, (d) => {
      d.items[0]!.description = 'Steel bars \u0915\u094D\u200D\u0937';
    });

    // Act
    const response = await api('POST', '/v1/duty-estimates', { token: trader(party), body: declaration });

    // Assess
    expect(response.status).toBe(200);
  });
});

describe('7. local JWT checks are as strict as API Gateway', () => {
  it('refuses a token without exp, and reads the group "trader,admin" as one unknown group', async () => {
    // Prepare
    const noExp = cloud.mintToken({ role: 'trader', party: newParty() }, { claims: { exp: undefined } });
    const commaGroups = cloud.mintToken({ role: 'trader', party: newParty() }, { claims: { 'cognito:groups': 'trader,admin' } });

    // Act
    const withoutExp = await api('GET', '/v1/declarations', { token: noExp });
    const asAdmin = await api<Problems>('GET', '/v1/admin/traders/GB123456789000', { token: commaGroups });

    // Assess
    expect(withoutExp.status).toBe(401);
    expect(asAdmin.status).toBe(403);
  });
});

describe('8. the local token endpoint', () => {
  const post = (host: string, contentType: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(`${cloud.apiUrl}/local/token`);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { host, 'content-type': contentType } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ role: 'admin' }));
    });

  it('answers only loopback Host names with a JSON content type', async () => {
    // Act
    const rebound = await post('attacker.example:3000', 'application/json');
    const form = await post('127.0.0.1', 'text/plain');
    const local = await post('localhost:3000', 'application/json');

    // Assess
    expect(rebound).toBe(403);
    expect(form).toBe(415);
    expect(local).toBe(200);
  });
});

describe('10. smaller holes', () => {
  it('refuses duplicate member names, unknown encodings, zero masses and a zero value without a valuation method', async () => {
    // Prepare
    const party = newParty();
    const token = trader(party);
    const valid = JSON.stringify(declarationFor(party));
    const duplicated = valid.replace('{', '{"lrn":"FIRST",');
    const zeroMass = declarationFor(party, (d) => {
      d.items[0]!.netMassKg = '0.000';
      d.consignment.grossMassKg = '0';
    });
    const zeroValue = declarationFor(party, (d) => {
      d.items[0]!.invoiceAmount = '0.00';
    });
    const zeroValueExplained = declarationFor(party, (d) => {
      d.items[0]!.invoiceAmount = '0.00';
      (d.items[0] as Record<string, unknown>).valuationMethod = '6';
    });

    // Act
    const duplicate = await api<Problems>('POST', '/v1/declarations', { token, rawBody: duplicated });
    const brotli = await api<Problems>('POST', '/v1/declarations', { token, rawBody: valid, headers: { 'content-encoding': 'br' } });
    const mass = await api<Problems>('POST', '/v1/declarations', { token, body: zeroMass });
    const value = await api<Problems>('POST', '/v1/declarations', { token, body: zeroValue });
    const explained = await api<Problems>('POST', '/v1/duty-estimates', { token, body: zeroValueExplained });

    // Assess
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.problems[0]).toMatchObject({ pointer: '/lrn', code: 'DUPLICATE_KEY' });
    expect(brotli.status).toBe(415);
    expect(brotli.body.problems[0]?.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(mass.status).toBe(400);
    expect(mass.body.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/consignment/grossMassKg', 'ZERO_MASS'],
      ['/items/0/netMassKg', 'ZERO_MASS'],
    ]);
    expect(value.status).toBe(400);
    expect(value.body.problems[0]).toMatchObject({ pointer: '/items/0/invoiceAmount', code: 'ZERO_VALUE_WITHOUT_VALUATION_METHOD' });
    expect(explained.status).toBe(200);
    const listed = await api<{ items: unknown[] }>('GET', '/v1/declarations', { token });
    expect(listed.body.items).toEqual([]);
  });
});

describe('a declaration that cannot be processed is never silent', () => {
  it('moves to PROCESSING_FAILED when its last delivery fails, shows in the FAILED queue, and resumes on an admin retry', async () => {
    // Prepare: a stored declaration whose archived bytes are missing, so every stage attempt fails
    const { record, bytes } = await storeSubmittedWithBytes(
      {
        repository: declarationRepository(intake(), declarationBodies(intake())),
        archive: documentArchive(intake()),
        bucket: intake().bucketName('archive'),
      },
      { archived: false },
    );
    const { id, declarantId: party, submission } = record;
    const officer = cloud.mintToken({ role: 'officer' });
    // Stored without the API: its deferment account is opened here, so that it is released once it resumes.
    await openDefermentAccount(api, admin(), party);

    // Act: the validation message fails on each of its 3 deliveries
    await pipelineQueue(intake(), 'validation').send({ declarationId: id, version: 1 });
    const failed = await eventually(async () => {
      const view = await api<{ status: string; failure: { stage: string; reason: string } | null }>('GET', `/v1/declarations/${id}`, {
        token: trader(party),
      });
      return view.body.status === 'PROCESSING_FAILED' ? view.body : undefined;
    });
    const queue = await api<{ items: { id: string }[] }>('GET', '/v1/review/queue?lane=FAILED', { token: officer });
    const byOfficer = await api('POST', `/v1/admin/declarations/${id}/retry`, { token: officer });
    // The cause is fixed (the bytes are archived), then an admin retries
    await documentArchive(intake()).put({ key: submission.key, body: bytes, contentType: 'application/json', sha256: submission.sha256 });
    const retried = await api<{ status: string; version: number }>('POST', `/v1/admin/declarations/${id}/retry`, { token: admin() });
    const done = await eventually(async () => {
      const view = await api<{ status: string }>('GET', `/v1/declarations/${id}`, { token: trader(party) });
      return final.includes(view.body.status) ? view.body : undefined;
    });

    // Assess
    expect(failed.failure?.stage).toBe('SUBMITTED');
    expect(failed.failure?.reason).toBe(TRADER_FAILURE_REASON);
    const asOfficer = await api<{ failure: { reason: string } }>('GET', `/v1/declarations/${id}`, { token: officer });
    expect(asOfficer.body.failure.reason).toContain('NoSuchKey');
    expect(queue.body.items.map((item) => item.id)).toContain(id);
    expect(byOfficer.status).toBe(403);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ id, status: 'SUBMITTED', version: 3 });
    expect(['RELEASED', 'UNDER_REVIEW']).toContain(done.status);
    const events = await api<{ items: { type: string }[] }>('GET', `/v1/declarations/${id}/events`, { token: trader(party) });
    expect(events.body.items.map((event) => event.type).slice(0, 2)).toEqual(['PROCESSING_FAILED', 'RETRIED']);
  });
});
