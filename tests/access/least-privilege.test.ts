/**
 * Runs in the `access` project, after `main`: every AWS call the handlers made while the tests of
 * `main` ran (recorded per test file under .vitest/aws-calls by the local cloud) is checked
 * against its function's `access` in shared/resources.ts, and every permission of an `access`
 * against the calls recorded. A test file's recording is replaced each time it runs, so a partial
 * run checks its new calls with the earlier recordings of the other files.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functions } from '#shared/resources.ts';
import { notAllowListed, readRecordedCalls, undeclaredCalls, unusedPermissions } from './audit.ts';
import { rarelyCalled } from './rarely-called.ts';

const AWS_CALLS_DIRECTORY = path.resolve(import.meta.dirname, '../../.vitest/aws-calls');

describe('least privilege, proven by the calls the tests recorded', () => {
  // Prepare
  const calls = readRecordedCalls(AWS_CALLS_DIRECTORY);

  it('has recordings to check (run the main project first: npx vitest run)', () => {
    // Assess
    expect(calls.length, `no AWS calls recorded under ${AWS_CALLS_DIRECTORY}`).toBeGreaterThan(0);
  });

  it('finds no call a function made that its access does not allow', () => {
    // Act
    const undeclared = undeclaredCalls(calls, functions);

    // Assess
    expect(undeclared).toEqual([]);
  });

  it('finds no permission of an access that no test used, but those allow-listed with a reason', () => {
    // Act
    const unused = unusedPermissions(calls, functions);

    // Assess
    expect(notAllowListed(unused, rarelyCalled)).toEqual([]);
    for (const entry of rarelyCalled) {
      expect(entry.reason.length, entry.permission).toBeGreaterThan(40);
      if (entry.timingDependent) continue;
      expect(
        unused.some((permission) => notAllowListed([permission], [entry]).length === 0),
        `allow-list entry '${entry.permission}' covers no unused permission: remove it`,
      ).toBe(true);
    }
  });
});
