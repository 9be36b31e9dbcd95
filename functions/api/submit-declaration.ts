/** POST /v1/declarations: a trader submits a declaration, optionally with an Idempotency-Key. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { bucketName, queueUrl, tableName } from '../../shared/adapters/aws-clients.ts';
import { checkIdempotencyKey, makeIdempotentOperation } from '../../shared/adapters/idempotency.ts';
import { declarationRepository, sharedDynamoDb, sharedS3, sharedSqs } from '../../shared/adapters/platform.ts';
import { S3DocumentArchive } from '../../shared/adapters/s3-document-archive.ts';
import { SqsPipelineQueue } from '../../shared/adapters/sqs-pipeline-queue.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { requireParty } from '../../shared/domain/auth.ts';
import { httpOperation } from '../../shared/http/operation.ts';
import { submitDeclarationOperation } from '../../shared/http/operations/declarations.ts';
import { json } from '../../shared/http/responses.ts';
import { metrics } from '../../shared/observability.ts';
import { type SubmitDeclarationCommand, sha256Hex, submitDeclaration } from '../../shared/usecases/submit-declaration.ts';

const deps = {
  repository: declarationRepository(),
  archive: new S3DocumentArchive(sharedS3(), bucketName('archive')),
  validationQueue: new SqsPipelineQueue(sharedSqs(), queueUrl('validation')),
  clock: systemClock,
};
const submitOnce = makeIdempotentOperation((_request, command: SubmitDeclarationCommand) => submitDeclaration(command, deps), {
  client: sharedDynamoDb(),
  tableName: tableName('idempotency'),
  expiresAfterSeconds: Number(process.env.IDEMPOTENCY_TTL_SECONDS ?? 86_400),
});

export const handler = httpOperation(
  submitDeclarationOperation,
  async ({ principal, body, event, context }) => {
    const command = { principal, body };
    const key = event.headers['idempotency-key'];
    const receipt = key
      ? await submitOnce(context, { partyId: requireParty(principal), key: checkIdempotencyKey(key), sha256: sha256Hex(body) }, command)
      : await submitDeclaration(command, deps);
    metrics.addMetric('DeclarationsSubmitted', MetricUnit.Count, 1);
    return json(202, receipt, { location: receipt.links.self });
  },
  { metrics: true },
);
