/**
 * The first duty assessment of a fresh execution environment, as `assessDuty` pays it: the tariff
 * pack and exchange rates in force read from their stored form (gzip'd JSON, as the reference
 * bucket holds them) and checked against their schemas, as `S3ReferenceDocumentStore` and
 * `tariffFromReferenceDocuments` do, then one declaration assessed. Bundled with assessDuty's
 * options and run in a fresh Node.js process by `npm run bench -- coldstart` (bench/coldstart.ts):
 * prints `{ packLoadMilliseconds, assessmentMilliseconds }`.
 *
 *   node first-duty-assessment.mjs <pack.json.gz> <exchange-rates.json.gz> <declaration.json> <acceptance date>
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tariffFromReferenceDocuments } from '#shared/adapters/tariff-source.ts';
import type { Declaration } from '#shared/domain/declaration.ts';
import type { ReferenceDocumentStore } from '#shared/ports/reference-documents.ts';
import { assessDeclaration } from '#shared/tariff/assess-declaration.ts';

const [packFile, ratesFile, declarationFile, acceptanceDate] = process.argv.slice(2);
if (!packFile || !ratesFile || !declarationFile || !acceptanceDate)
  throw new Error('usage: <pack.json.gz> <rates.json.gz> <declaration.json> <date>');
const stored: Record<string, string> = { tariffPack: packFile, exchangeRates: ratesFile };

/** The reference bucket's objects read from files: the bytes are what S3 would return, parsed as the store parses them. */
const documents: Pick<ReferenceDocumentStore, 'asOf'> = {
  async asOf(kind, _at, parse) {
    const file = stored[kind];
    if (file === undefined) return undefined;
    return { version: kind, document: parse(JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'))) };
  },
};

const declaration = JSON.parse(readFileSync(declarationFile, 'utf8')) as Declaration;
const started = performance.now();
const { pack, rates } = await tariffFromReferenceDocuments(documents as ReferenceDocumentStore).asOf(`${acceptanceDate}T12:00:00Z`);
const loaded = performance.now();
const result = assessDeclaration(declaration, { pack, rates, acceptanceDate, nationalCurrency: pack.currency });
const assessed = performance.now();
if (!result.ok) throw new Error(`the declaration could not be assessed: ${JSON.stringify(result.problems)}`);
process.stdout.write(JSON.stringify({ packLoadMilliseconds: loaded - started, assessmentMilliseconds: assessed - loaded }));
