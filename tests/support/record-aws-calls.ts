/**
 * Setup file of the `main` project: the local cloud of each test file records the AWS calls its
 * handlers make to a file of its own, `.vitest/aws-calls/<test file>.jsonl` (see
 * local/access-control.ts), replaced each time the test file runs. tests/access/least-privilege.test.ts
 * reads them all, in the `access` project that runs after `main`.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll } from 'vitest';
import { AWS_CALLS_FILE_ENV } from '#local/access-control.ts';

export const AWS_CALLS_DIRECTORY = path.resolve(import.meta.dirname, '../../.vitest/aws-calls');

// vitest hands the suite as the second argument; the first (fixtures) must be an object pattern.
// biome-ignore lint/correctness/noEmptyPattern: vitest requires an object pattern for the fixtures argument
beforeAll(({}, suite) => {
  const testFile = path.relative(path.resolve(import.meta.dirname, '../..'), suite.file.filepath);
  const file = path.join(AWS_CALLS_DIRECTORY, `${testFile.replaceAll(path.sep, '__')}.jsonl`);
  rmSync(file, { force: true });
  process.env[AWS_CALLS_FILE_ENV] = file;
});
