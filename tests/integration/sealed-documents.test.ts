/**
 * Release notes under the customs seal against the local cloud (its KMS signs): a GREEN
 * declaration is released, the documents queue issues its note, the owner downloads it, the
 * public verification route and `npm run verify` (offline, with the published JWKS only) call it
 * genuine, and a copy with one changed character is not.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { SealedDocument } from '#shared/domain/sealed-documents.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';
import { apiClient, declarationFor, eventually } from './support.ts';

const BOREALIS = 'GB987654321000';
const run = promisify(execFile);

let cloud: LocalCloud;
let call: ReturnType<typeof apiClient>['call'];
let declarationId: string;
let note: SealedDocument;

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  ({ call } = apiClient(cloud.apiUrl));
  const admin = cloud.mintToken({ role: 'admin' });
  expect((await call('PUT', '/v1/admin/reference-documents/risk-settings', { token: admin, body: noRandomSelection })).status).toBe(200);
  const trader = cloud.mintToken({ role: 'trader', party: BOREALIS });
  const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(BOREALIS) });
  expect(receipt.status).toBe(202);
  declarationId = receipt.body.id;
  note = await eventually(
    async () => {
      const answer = await call<SealedDocument>('GET', `/v1/declarations/${declarationId}/release-note`, { token: trader });
      return answer.status === 200 ? answer.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

describe('release notes under the customs seal', () => {
  it('issues a sealed release note that the public route calls genuine, and a changed copy not', async () => {
    // Prepare
    const officer = cloud.mintToken({ role: 'officer' });
    const view = await call<{ ucr: string; status: string }>('GET', `/v1/declarations/${declarationId}`, { token: officer });
    const altered = { ...note, document: { ...note.document, ucr: `${note.document.ucr}0` } };

    // Act
    const genuine = await call<{ genuine: boolean; kid?: string; declarationId?: string }>('POST', '/v1/verify', { body: note });
    const changed = await call<{ genuine: boolean; reason?: string }>('POST', '/v1/verify', { body: altered });
    const keys = await call<{ keys: { kid: string; kty: string; d?: string }[] }>('GET', '/.well-known/jwks.json', {});

    // Assess
    expect(view.body.status).toBe('RELEASED');
    expect(note.document).toMatchObject({ kind: 'RELEASE_NOTE', declarationId, ucr: view.body.ucr, released: { by: 'RELEASE_STAGE' } });
    expect(genuine.body).toMatchObject({ genuine: true, declarationId });
    expect(keys.body.keys.map((key) => key.kid)).toContain(genuine.body.kid);
    expect(keys.body.keys.every((key) => key.kty === 'EC' && key.d === undefined)).toBe(true);
    expect(changed.body).toMatchObject({ genuine: false, reason: 'DOCUMENT_ALTERED' });
  });

  it('verifies offline with npm run verify and the published key set alone', async () => {
    // Prepare: the note and the key set as files, as a bank would keep them
    const folder = mkdtempSync(path.join(os.tmpdir(), 'verify-'));
    const keys = await call('GET', '/.well-known/jwks.json', {});
    writeFileSync(path.join(folder, 'jwks.json'), JSON.stringify(keys.body));
    writeFileSync(path.join(folder, 'note.json'), JSON.stringify(note, null, 2));
    writeFileSync(path.join(folder, 'altered.json'), JSON.stringify(note, null, 2).replace(note.document.lrn, `${note.document.lrn}X`));
    const verify = (file: string) =>
      run('node_modules/.bin/tsx', ['tools/verify.ts', path.join(folder, file), '--jwks', path.join(folder, 'jwks.json')]).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );

    // Act
    const genuine = await verify('note.json');
    const altered = await verify('altered.json');

    // Assess
    expect(genuine.code).toBe(0);
    expect(genuine.stdout).toContain(`GENUINE: RELEASE_NOTE of declaration ${declarationId}`);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('NOT GENUINE (DOCUMENT_ALTERED)');
  }, 60_000);
});
