import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CALLS_FILE_ENV } from '#local/access-control.ts';
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
