/** The contract on the DynamoDB and S3 adapters, against the local cloud (dynalite, fauxqs). */
import { afterAll, beforeAll } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { declarationRepository, documentArchive } from '../../shared/adapters/platform.ts';
import { loadConfig } from '../../shared/config.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';

let cloud: LocalCloud;

beforeAll(async () => {
  // No functions: only this test touches the table and the bucket.
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, logLevel: 'silent', functions: {} });
});

afterAll(async () => {
  await cloud?.stop();
});

// The intake function's configuration: it may read and write the table and the archive.
declarationRepositoryContract('DynamoDB and S3 adapters on the local cloud', {
  repository: () => declarationRepository(loadConfig('submitDeclaration')),
  archive: () => documentArchive(loadConfig('submitDeclaration')),
});
