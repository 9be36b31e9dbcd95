/** POST /v1/declarations: a trader submits a declaration, optionally with an Idempotency-Key and a Signature. */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { makeIdempotentOperation } from '#shared/adapters/idempotency.ts';
import { declarationRepository, documentArchive, pipelineQueue, sharedDynamoDb, signingKeys } from '#shared/adapters/platform.ts';
import { systemClock } from '#shared/adapters/system-clock.ts';
import { loadConfig } from '#shared/config.ts';
import { requireParty } from '#shared/domain/auth.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { submitDeclarationOperation } from '#shared/http/operations/declarations.ts';
import { json } from '#shared/http/responses.ts';
import { metrics } from '#shared/observability.ts';
import { type SubmitDeclarationCommand, sha256Hex, submitDeclaration } from '#shared/usecases/submit-declaration.ts';

const config = loadConfig('submitDeclaration');

const deps = {
  repository: declarationRepository(config, 'no bodies'),
  archive: documentArchive(config),
  validationQueue: pipelineQueue(config, 'validation'),
  clock: systemClock,
  signatures: { keys: signingKeys(config), required: config.region.requireDeclarationSignatures },
};
const submitOnce = makeIdempotentOperation((_request, command: SubmitDeclarationCommand) => submitDeclaration(command, deps), {
  client: sharedDynamoDb(),
  tableName: config.tableName('idempotency'),
  expiresAfterSeconds: config.region.idempotencyTtlSeconds,
  keyPrefix: 'submitDeclaration',
});

export const handler = httpOperation(
  submitDeclarationOperation,
  async ({ principal, body, headers, context }) => {
    const command = { principal, body, signature: headers.Signature };
    const key = headers['Idempotency-Key'];
    const receipt = key
      ? await submitOnce(context, { partyId: requireParty(principal), key, sha256: sha256Hex(body) }, command)
      : await submitDeclaration(command, deps);
    metrics.addMetric('DeclarationsSubmitted', MetricUnit.Count, 1);
    return json(202, receipt, { location: receipt.links.self });
  },
  { metrics: true },
);
