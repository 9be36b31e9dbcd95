import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CALLS_FILE_ENV, keyShape } from '#local/access-control.ts';
import { type LocalCloud, type LocalFunctionDefinition, startLocalCloud } from '#local/cloud.ts';
import type { FunctionAccess } from '#shared/resources.ts';
import { readRecordedCalls, undeclaredCalls, unusedPermissions } from '../access/audit.ts';
import { fixture } from './support.ts';

// A function allowed to read declaration items only, and to put them (a permission it never uses).
const access: FunctionAccess = { tables: { main: [{ actions: ['GetItem', 'PutItem'], keys: ['DECL#*'] }] } };
const functions: Record<string, LocalFunctionDefinition & { access: FunctionAccess }> = {
  overReach: {
    entry: fixture('over-reach'),
    handler: 'handler',
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', method: 'GET', path: '/over-reach', auth: 'none' }],
    access,
  },
};

describe('the local cloud holds each handler to its declared access', () => {
  let cloud: LocalCloud;
  let recordings: string;

  beforeAll(async () => {
    // Prepare: this file's calls are recorded apart, not with the platform's.
    recordings = mkdtempSync(path.join(tmpdir(), 'aws-calls-'));
    process.env[AWS_CALLS_FILE_ENV] = path.join(recordings, 'over-reach.jsonl');
    cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions, consoleDir: false });
  });

  afterAll(async () => {
    await cloud?.stop();
    rmSync(recordings, { recursive: true, force: true });
  });

  it('answers a declared call, and refuses an undeclared one with AccessDeniedException as AWS would', async () => {
    // Act
    const response = await fetch(`${cloud.apiUrl}/over-reach?reach=trader`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ declaration: 'allowed', trader: 'AccessDeniedException' });
  });

  it('makes the recorded-calls check fail on the undeclared call, and name the declared permission no call used', async () => {
    // Prepare
    await fetch(`${cloud.apiUrl}/over-reach?reach=trader`);

    // Act
    const calls = readRecordedCalls(recordings);

    // Assess
    expect(undeclaredCalls(calls, functions)).toEqual(['overReach: no grant on main allows dynamodb:GetItem on TRADER#GB000000000001']);
    expect(unusedPermissions(calls, functions)).toEqual(['overReach dynamodb:PutItem on main [DECL#*]']);
  });

  it('passes the check once the handler keeps to its declaration', async () => {
    // Prepare
    const withinAccess: Record<string, { access: FunctionAccess }> = {
      overReach: { access: { tables: { main: [{ actions: ['GetItem'], keys: ['DECL#*', 'TRADER#*'] }] } } },
    };

    // Act
    const calls = readRecordedCalls(recordings);

    // Assess
    expect(undeclaredCalls(calls, withinAccess)).toEqual([]);
    expect(unusedPermissions(calls, withinAccess)).toEqual([]);
  });
});

describe('the shape a call is recorded under', () => {
  it('keeps the extension of an object key, so a grant on PDFs is told from one on the sealed JSON beside them', () => {
    // Prepare
    const folder = '42/declarations/01M8FH9SKM27EAF46ECDX6F5YH/issued/release-note';

    // Act
    const shapes = [
      `${folder}/9a40ad3a.json`,
      `${folder}/33c09d3b.pdf`,
      'tariffPack/958295b6d8dae717.json.gz',
      'declarations/01M8/documents/01M9',
    ].map((key) => keyShape('s3', key));

    // Assess
    expect(shapes).toEqual([
      '*/declarations/*/issued/release-note/*.json',
      '*/declarations/*/issued/release-note/*.pdf',
      'tariffPack/*.json.gz',
      'declarations/*/documents/*',
    ]);
  });
});
