/**
 * Signed declarations end to end against the local cloud, in a territory that requires them: a
 * trader registers a public key, submits a declaration with a detached JWS in the Signature
 * header, and sees the signature on it (archived next to its bytes); refused signatures store
 * nothing; a revoked key signs no more, while what it signed before keeps its signature.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { newSigner, signDetached, type TestSigner } from '#tests/support/signing.ts';
import { apiClient, declarationFor, eventually, newParty } from './support.ts';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let s3: S3Client;

beforeAll(async () => {
  cloud = await startLocalCloud({
    port: 0,
    dynamodbPort: 0,
    awsPort: 0,
    retryDelaySeconds: 0,
    logLevel: 'silent',
    requireDeclarationSignatures: true,
  });
  await seedDemoData(); // signed declarations go on through risk and duty, which need it
  api = apiClient(cloud.apiUrl).call;
  s3 = new S3Client({ endpoint: cloud.endpoints.s3 });
});

afterAll(async () => {
  s3?.destroy();
  await cloud?.stop();
});

interface KeyView {
  kid: string;
  alg: string;
  status: string;
  revokedAt: string | null;
}
interface Problems {
  problems: { code: string }[];
}
interface View {
  id: string;
  signature: { kid: string; alg: string; archiveKey: string; sha256: string } | null;
}

async function trader(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const party = newParty();
  const token = cloud.mintToken({ role: 'trader', party });
  const signer: TestSigner = await newSigner(alg);
  const registered = await api<KeyView>('POST', '/v1/traders/me/keys', { token, body: { jwk: signer.publicJwk } });
  expect(registered.status).toBe(201);
  return { party, token, signer, kid: registered.body.kid };
}

/** The declaration as sent: members reversed and indented, unlike the JSON it was signed over. */
const differentlySerialised = (declaration: DeclarationInput): string =>
  JSON.stringify(Object.fromEntries(Object.entries(declaration).reverse()), null, 2);

describe('signed declarations', () => {
  it('registers a key, takes a signed declaration and shows its signature, archived next to the bytes', async () => {
    // Prepare
    const { party, token, signer, kid } = await trader('ES256');
    const declaration = declarationFor(party);
    const signature = await signDetached(declaration, signer, kid);

    // Act
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', {
      token,
      rawBody: differentlySerialised(declaration),
      headers: { signature },
    });
    const view = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token });
    const keys = await api<{ items: KeyView[] }>('GET', '/v1/traders/me/keys', { token });

    // Assess
    expect(submitted.status).toBe(202);
    expect(view.body.signature).toMatchObject({ kid, alg: 'ES256' });
    const archived = await s3.send(new GetObjectCommand({ Bucket: cloud.bucketNames.archive, Key: view.body.signature?.archiveKey }));
    const bytes = Buffer.from((await archived.Body?.transformToByteArray()) ?? []);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(view.body.signature?.sha256);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ declarationId: submitted.body.id, kid, alg: 'ES256', jws: signature });
    expect(keys.body.items).toMatchObject([{ kid, alg: 'ES256', status: 'ACTIVE', revokedAt: null }]);
  });

  it('refuses an unsigned declaration, a bad signature and a malformed header, storing nothing (the LRN stays free)', async () => {
    // Prepare
    const { party, token, signer, kid } = await trader('EdDSA');
    const declaration = declarationFor(party);
    const signedOther = await signDetached({ ...declaration, lrn: 'SOMETHING-ELSE' }, signer, kid);

    // Act
    const unsigned = await api<Problems>('POST', '/v1/declarations', { token, body: declaration });
    const forged = await api<Problems>('POST', '/v1/declarations', { token, body: declaration, headers: { signature: signedOther } });
    const malformed = await api<Problems>('POST', '/v1/declarations', { token, body: declaration, headers: { signature: 'abc.def.ghi' } });
    const signed = await api<{ status: string }>('POST', '/v1/declarations', {
      token,
      body: declaration,
      headers: { signature: await signDetached(declaration, signer, kid) },
    });

    // Assess
    expect([unsigned.status, unsigned.body.problems[0]?.code]).toEqual([400, 'SIGNATURE_REQUIRED']);
    expect([forged.status, forged.body.problems[0]?.code]).toEqual([400, 'SIGNATURE_INVALID']);
    expect([malformed.status, malformed.body.problems[0]?.code]).toEqual([400, 'INVALID_SIGNATURE_HEADER']);
    expect(signed.status).toBe(202);
  });

  it('refuses signatures by a revoked key; what it signed before keeps its signature; customs read the keys', async () => {
    // Prepare
    const { party, token, signer, kid } = await trader('ES256');
    const before = declarationFor(party);
    const first = await api<{ id: string }>('POST', '/v1/declarations', {
      token,
      body: before,
      headers: { signature: await signDetached(before, signer, kid) },
    });
    const after = declarationFor(party);

    // Act
    const revoked = await api<KeyView>('DELETE', `/v1/traders/me/keys/${kid}`, { token });
    const refused = await api<Problems>('POST', '/v1/declarations', {
      token,
      body: after,
      headers: { signature: await signDetached(after, signer, kid) },
    });
    const earlier = await api<View>('GET', `/v1/declarations/${first.body.id}`, { token });
    const customs = await api<{ items: KeyView[] }>('GET', `/v1/admin/traders/${party}/keys`, {
      token: cloud.mintToken({ role: 'officer' }),
    });

    // Assess
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('REVOKED');
    expect([refused.status, refused.body.problems[0]?.code]).toEqual([400, 'SIGNING_KEY_REVOKED']);
    expect(earlier.body.signature?.kid).toBe(kid);
    expect(customs.body.items).toMatchObject([{ kid, status: 'REVOKED', revokedAt: revoked.body.revokedAt }]);
  });

  it('takes a signed amendment (PUT with If-Match and Signature), refuses an unsigned one, and shows the new signature', async () => {
    // Prepare: a signed declaration the demo anti-dumping profile sends for review, read once it waits there
    const { party, token, signer, kid } = await trader('ES256');
    // Duty-free with its VAT postponed: nothing booked, so it stays amendable under review.
    const declaration = declarationFor(party, (d) => {
      ferroSiliconCif(d);
      d.payment = { ...d.payment, method: 'E', postponedVat: true };
    });
    const submitted = await api<{ id: string }>('POST', '/v1/declarations', {
      token,
      body: declaration,
      headers: { signature: await signDetached(declaration, signer, kid) },
    });
    const id = submitted.body.id;
    const first = await eventually(async () => {
      const read = await api<View & { version: number; status: string }>('GET', `/v1/declarations/${id}`, { token });
      return read.body.status === 'UNDER_REVIEW' ? read : undefined;
    });
    const amended: DeclarationInput = { ...declaration, items: [{ ...declaration.items[0]!, description: 'Amended description' }] };
    const ifMatch = { 'if-match': `"${first.body.version}"` };

    // Act
    const unsigned = await api<Problems>('PUT', `/v1/declarations/${id}`, { token, body: amended, headers: ifMatch });
    const unchanged = await api<View & { version: number }>('GET', `/v1/declarations/${id}`, { token });
    const signed = await api<{ amendment: number }>('PUT', `/v1/declarations/${id}`, {
      token,
      rawBody: differentlySerialised(amended),
      headers: { ...ifMatch, signature: await signDetached(amended, signer, kid) },
    });
    const view = await api<View>('GET', `/v1/declarations/${id}`, { token });

    // Assess
    expect([unsigned.status, unsigned.body.problems[0]?.code]).toEqual([400, 'SIGNATURE_REQUIRED']);
    expect(unchanged.body.version).toBe(first.body.version);
    expect([signed.status, signed.body.amendment]).toEqual([202, 1]);
    expect(view.body.signature).toMatchObject({ kid, alg: 'ES256' });
    expect(view.body.signature?.archiveKey).not.toBe(first.body.signature?.archiveKey);
    const archived = await s3.send(new GetObjectCommand({ Bucket: cloud.bucketNames.archive, Key: view.body.signature?.archiveKey }));
    const bytes = Buffer.from((await archived.Body?.transformToByteArray()) ?? []);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ declarationId: id, amendment: 1, kid });
  });
});
