/**
 * What the function bundles are made of, bundled with the options the CDK app uses
 * (infra/function-bundling.ts): code a function never runs must not be in its bundle, since every
 * KB is parsed at each cold start (issue 11; sizes in docs/benchmarks.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { regionEnvironment } from '#infra/config/environment.ts';
import { regions } from '#infra/config/regions.ts';
import { esbuildOptions, nodejsFunctionBundling } from '#infra/function-bundling.ts';
import { accessEnvironment, type FunctionDefinition, type FunctionName, functions } from '#shared/resources.ts';

const repositoryRoot = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'customs-bundles-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Imports the bundle `name` in a fresh Node.js process with exactly `environment`; its standard output. */
const importBundle = (name: string, environment: Record<string, string>): string =>
  execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(join(folder, name, 'index.mjs')).href)})`],
    {
      env: environment,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

/** The inputs that put bytes in the bundle of `entry` (tree-shaken modules excluded). */
async function bundledInputs(entry: string, name: string, definition?: FunctionDefinition): Promise<string[]> {
  const { metafile } = await build(esbuildOptions(entry, join(folder, name, 'index.mjs'), definition));
  const output = Object.values(metafile.outputs as Metafile['outputs']).find((candidate) => candidate.entryPoint);
  return Object.entries(output?.inputs ?? {})
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([input]) => input);
}

const functionInputs = (name: FunctionName) => {
  const definition: FunctionDefinition = functions[name];
  return bundledInputs(join(repositoryRoot, definition.entry), name, definition);
};

describe('function bundles', () => {
  it('take AWS credentials from the environment only: no SSO, profile, STS or metadata providers', async () => {
    // Prepare
    const name: FunctionName = 'getAccount';

    // Act
    const inputs = await functionInputs(name);

    // Assess
    expect(inputs.some((input) => input.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
    expect(inputs.filter((input) => /@aws-sdk\/(nested-clients|credential-provider-(?!env)|token-providers)/.test(input))).toEqual([]);
  });

  it('resolve the credentials the Lambda runtime puts in the environment, and fail without them', async () => {
    // Prepare: a client of the composition root, bundled and run in a process of its own.
    const entry = join(folder, 'credentials-entry.ts');
    const clients = join(repositoryRoot, 'shared', 'adapters', 'aws-clients.ts');
    writeFileSync(
      entry,
      `import { dynamoDbClient } from ${JSON.stringify(clients)};\nconst client = dynamoDbClient();\nprocess.stdout.write(JSON.stringify(await client.config.credentials()));\n`,
    );
    await bundledInputs(entry, 'credentials');

    // Act
    const run = (environment: Record<string, string>) =>
      importBundle('credentials', { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2', ...environment });
    const credentials = JSON.parse(
      run({ AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'session' }),
    ) as Record<string, unknown>;

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' });
    expect(() => run({})).toThrow(/Unable to find environment variable credentials/);
  });

  it('describe the API as the unbundled code does: no schema registered for OpenAPI is left out as free of side effects', async () => {
    // Prepare: package.json declares our modules free of side effects, and a schema registers itself
    // (`.meta({ id })`) when its module runs: the openApi bundle must still reach every one of them.
    const definition: FunctionDefinition = functions.openApi;
    const entry = join(folder, 'openapi-entry.ts');
    writeFileSync(
      entry,
      `import { buildOpenApiDocument } from ${JSON.stringify(join(repositoryRoot, 'shared', 'http', 'openapi.ts'))};
const document = buildOpenApiDocument();
process.stdout.write(JSON.stringify({ schemas: Object.keys(document.components?.schemas ?? {}).sort(), paths: Object.keys(document.paths ?? {}).sort() }));
`,
    );
    await bundledInputs(entry, 'openapi', definition);
    const { buildOpenApiDocument } = await import('#shared/http/openapi.ts');
    const unbundled = buildOpenApiDocument();

    // Act
    const bundled = JSON.parse(importBundle('openapi', { PATH: process.env.PATH ?? '' })) as { schemas: string[]; paths: string[] };

    // Assess
    expect(bundled.schemas.length).toBeGreaterThan(10);
    expect(bundled.schemas).toEqual(Object.keys(unbundled.components?.schemas ?? {}).sort());
    expect(bundled.paths).toEqual(Object.keys(unbundled.paths ?? {}).sort());
  });

  it('carry no reference code lists: no bundle compiles the HS nomenclature in, the duty functions keep their proof-of-origin codes', async () => {
    // Prepare
    const names: FunctionName[] = ['validateDeclaration', 'assessDuty', 'estimateDuty'];

    // Act
    const [validation, duty, estimate] = await Promise.all(names.map(functionInputs));

    // Assess
    for (const inputs of [validation, duty, estimate]) {
      expect((inputs ?? []).filter((input) => input.startsWith('generated/reference/') && !input.endsWith('/documents.json'))).toEqual([]);
    }
    expect(duty).toContain('generated/reference/documents.json');
  });

  it("read the reference data shipped beside the bundle, copied there by the CDK app's afterBundling commands", async () => {
    // Prepare: an entry that validates with the reference data, bundled with validateDeclaration's facts;
    // the commands NodejsFunction runs with bash after esbuild (local bundling), with the repository as input
    const definition: FunctionDefinition = functions.validateDeclaration;
    const entry = join(folder, 'reference-entry.ts');
    const reference = join(repositoryRoot, 'shared', 'reference', 'index.ts');
    writeFileSync(
      entry,
      `import { referenceData } from ${JSON.stringify(reference)};\nconst data = referenceData();\nprocess.stdout.write(JSON.stringify({ subheadings: data.hs.subheadings.size, horses: data.hasHsSubheading('0101210000'), usd: data.currencies.has('USD') }));\n`,
    );
    const inputs = await bundledInputs(entry, 'reference', definition);
    const commands = nodejsFunctionBundling(definition).commandHooks.afterBundling(repositoryRoot, join(folder, 'reference'));
    execFileSync('bash', ['-c', commands.join(' && ')]);
    const run = () => importBundle('reference', { PATH: process.env.PATH ?? '' });

    // Act
    const read = JSON.parse(run()) as Record<string, unknown>;

    // Assess
    expect(inputs.filter((input) => input.endsWith('hs.json'))).toEqual([]);
    expect(read).toEqual({ subheadings: 5612, horses: true, usd: true });
  });

  it('say which definition to change when a bundle uses the reference data without shipping it', async () => {
    // Prepare: the same entry, bundled with the facts of a function that ships no data files
    const definition: FunctionDefinition = functions.assessDuty;
    expect(definition.dataFiles).toBeUndefined();
    const entry = join(folder, 'unshipped-entry.ts');
    writeFileSync(
      entry,
      `import { referenceData } from ${JSON.stringify(join(repositoryRoot, 'shared', 'reference', 'index.ts'))};\nreferenceData();\n`,
    );
    await bundledInputs(entry, 'unshipped', definition);

    // Act
    const run = () => importBundle('unshipped', { PATH: process.env.PATH ?? '' });

    // Assess
    expect(run).toThrow(/ships no reference data: add dataFiles: \['referenceData'\]/);
  });

  it('carry the X-Ray SDK and Powertools Tracer only in the functions whose definition says traced', async () => {
    // Prepare: a traced stage and an untraced API function, both SQS or DynamoDB users
    const names: FunctionName[] = ['assessDuty', 'getAccount'];
    expect(names.map((name) => (functions[name] as FunctionDefinition).traced)).toEqual([true, undefined]);

    // Act
    const [traced, untraced] = await Promise.all(names.map(functionInputs));

    // Assess
    const tracerInputs = (inputs: string[]) =>
      inputs.filter((input) => /aws-xray-sdk-core|@aws-lambda-powertools\/tracer|cls-hooked/.test(input));
    expect(tracerInputs(traced ?? []).length).toBeGreaterThan(0);
    expect(tracerInputs(untraced ?? [])).toEqual([]);
    // The CDK app defines the same facts as the bundles measured here.
    for (const name of names) {
      const definition: FunctionDefinition = functions[name];
      expect(nodejsFunctionBundling(definition).define).toEqual(esbuildOptions(definition.entry, 'index.mjs', definition).define);
    }
  });

  it('carry their own configuration facts, not the resource manifest with every HTTP operation', async () => {
    // Prepare
    const name: FunctionName = 'getAccount';

    // Act
    const inputs = await functionInputs(name);

    // Assess: its own operation only (revenue), no other area's, and the manifest left out
    expect(inputs).toContain('shared/http/operations/revenue.ts');
    expect(inputs).toContain('shared/config.ts');
    expect(inputs).not.toContain('shared/resources.ts');
    expect(inputs.filter((input) => /shared\/http\/operations\/(declarations|admin|review|risk-profiles)\.ts$/.test(input))).toEqual([]);
  });

  it('start with the variables of their own access fixed at bundling, and fail at cold start naming one that is missing', async () => {
    // Prepare: the bundle as deployed, and the environment the stack gives it
    const name: FunctionName = 'getAccount';
    const definition: FunctionDefinition = functions[name];
    await functionInputs(name);
    const stackEnvironment: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'bundle-test',
      AWS_SECRET_ACCESS_KEY: 'bundle-test',
      ...regionEnvironment({ regionName: 'eu-west-2', region: regions['eu-west-2'], stage: 'dev' }),
      ...accessEnvironment(definition, {
        table: (table) => `table-${table}`,
        bucket: (bucket) => `bucket-${bucket}`,
        queue: (queue) => `https://sqs.eu-west-2.amazonaws.com/000000000000/${queue}`,
        secret: (secret) => `secret-${secret}`,
        signingKey: (key) => `key-${key}`,
        publicSite: () => 'https://d111111abcdef8.cloudfront.net',
        eventBus: (bus) => `bus-${bus}`,
      }),
    };
    const withoutTable = Object.fromEntries(Object.entries(stackEnvironment).filter(([variable]) => variable !== 'MAIN_TABLE_NAME'));
    const start = (environment: Record<string, string>) => importBundle(name, environment);

    // Act
    const started = start(stackEnvironment);

    // Assess
    expect(started).toBe('');
    // With source maps, as deployed (NODE_OPTIONS=--enable-source-maps): without them node prints the
    // bundle's minified source line and a caret line of over 100 KB before the error.
    const failed = spawnSync(
      process.execPath,
      [
        '--enable-source-maps',
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(pathToFileURL(join(folder, name, 'index.mjs')).href)})`,
      ],
      { env: withoutTable, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/configuration of getAccount is incomplete: MAIN_TABLE_NAME/);
  });

  it('carry the S3 client only where the function uses the archive or the reference bucket, not with every declaration repository', async () => {
    // Prepare: two readers of declarations, one of them reads bodies (its access reads the archive); a risk administration function; the reference documents load history
    const names: FunctionName[] = ['getDeclaration', 'listDeclarations', 'getRiskProfile', 'referenceDocumentHistory'];
    expect(names.map((name) => Object.keys((functions[name] as FunctionDefinition).access.buckets ?? {}))).toEqual([
      ['archive'],
      [],
      [],
      [],
    ]);

    // Act
    const [readsBodies, listsStates, riskAdministration, loadHistory] = await Promise.all(names.map(functionInputs));

    // Assess
    const s3Inputs = (inputs: string[]) => inputs.filter((input) => input.includes('@aws-sdk/client-s3/'));
    expect(s3Inputs(readsBodies ?? []).length).toBeGreaterThan(0);
    expect(s3Inputs(listsStates ?? [])).toEqual([]);
    expect(s3Inputs(riskAdministration ?? [])).toEqual([]);
    expect(s3Inputs(loadHistory ?? [])).toEqual([]);
    expect((riskAdministration ?? []).filter((input) => input.includes('@aws-sdk/client-secrets-manager/'))).toEqual([]);
  });

  it('carry the SQS client only where the function sends: a reader of declarations has no notifying repository', async () => {
    // Prepare: a reader of declarations that sends nothing, and a stage that stores history events
    const names: FunctionName[] = ['listDeclarations', 'assessDuty'];
    expect(names.map((name) => (functions[name] as FunctionDefinition).access.sendTo ?? [])).toEqual([
      [],
      ['release', 'documents', 'notifications'],
    ]);

    // Act
    const [reader, stage] = await Promise.all(names.map(functionInputs));

    // Assess
    const sqsInputs = (inputs: string[]) => inputs.filter((input) => input.includes('@aws-sdk/client-sqs/'));
    expect(sqsInputs(reader ?? [])).toEqual([]);
    expect(sqsInputs(stage ?? []).length).toBeGreaterThan(0);
    expect(reader).not.toContain('shared/adapters/notifying-repository.ts');
  });
});
