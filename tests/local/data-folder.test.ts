/** `npm start -- --data DIR`: the folders that hold declarations, documents and keys are private (issue 7, item 8). */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalCloud } from '#local/cloud.ts';

describe('--data folders', () => {
  it('are created, or made, private to their owner (0700)', async () => {
    // Prepare: a folder that exists already with the usual 0755
    const dataDir = mkdtempSync(path.join(tmpdir(), 'customs-data-'));
    const cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {}, dataDir });

    // Act
    await cloud.stop();
    const modes = [dataDir, path.join(dataDir, 'dynamodb'), path.join(dataDir, 's3')].map((dir) => statSync(dir).mode & 0o777);
    rmSync(dataDir, { recursive: true, force: true });

    // Assess
    expect(modes).toEqual([0o700, 0o700, 0o700]);
  });
});
