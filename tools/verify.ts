/**
 * `npm run verify -- FILE [--jwks URL-or-FILE]`: checks a sealed document (a release note as
 * `GET /v1/declarations/{id}/release-note` returns it) offline, with only the customs
 * administration's published keys: the JWKS at a URL (default the local cloud's
 * http://127.0.0.1:3000/.well-known/jwks.json) or in a file. Exit 0: genuine; 1: not genuine;
 * 2: the file or the keys could not be read.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { sealedDocumentSchema, verifySealedDocument } from '#shared/domain/sealed-documents.ts';

const usage = 'usage: npm run verify -- FILE [--jwks URL-or-FILE]';

async function keySet(source: string): Promise<JSONWebKeySet> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return (await response.json()) as JSONWebKeySet;
  }
  return JSON.parse(readFileSync(source, 'utf8')) as JSONWebKeySet;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { jwks: { type: 'string', default: 'http://127.0.0.1:3000/.well-known/jwks.json' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (!file) {
    console.error(usage);
    return 2;
  }
  let sealed: ReturnType<typeof sealedDocumentSchema.parse>;
  let jwks: JSONWebKeySet;
  try {
    sealed = sealedDocumentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    jwks = await keySet(values.jwks);
  } catch (error) {
    console.error(`cannot verify: ${(error as Error).message}`);
    return 2;
  }
  const verdict = await verifySealedDocument(sealed, jwks);
  if (verdict.genuine) {
    console.log(
      `GENUINE: ${verdict.kind} of declaration ${verdict.declarationId}, issued ${verdict.issuedAt}, sealed with key ${verdict.kid} (${verdict.alg})`,
    );
    return 0;
  }
  console.log(`NOT GENUINE (${verdict.reason}): ${verdict.message}`);
  return 1;
}

process.exitCode = await main();
