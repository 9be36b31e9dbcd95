/** POST /v1/declarations: a trader submits a declaration, optionally with an Idempotency-Key. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { bucketName, dynamoDbClient, queueUrl, s3Client, sqsClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { checkIdempotencyKey, makeIdempotentOperation } from '../../shared/adapters/idempotency.ts';
import { S3DocumentArchive } from '../../shared/adapters/s3-document-archive.ts';
import { SqsPipelineQueue } from '../../shared/adapters/sqs-pipeline-queue.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { requireParty } from '../../shared/domain/auth.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { httpHandler } from '../../shared/http/middleware.ts';
import { metrics } from '../../shared/observability.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { bodyBytes, requireJsonContent } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { sha256Hex, submitDeclaration, type SubmitDeclarationCommand } from '../../shared/usecases/submit-declaration.ts';

const dynamodb = dynamoDbClient();
const deps = {
  repository: new DynamoDbDeclarationRepository(dynamodb, tableName('main')),
  archive: new S3DocumentArchive(s3Client(), bucketName('archive')),
  validationQueue: new SqsPipelineQueue(sqsClient(), queueUrl('validation')),
  clock: systemClock,
};
const submitOnce = makeIdempotentOperation((_request, command: SubmitDeclarationCommand) => submitDeclaration(command, deps), {
  client: dynamodb,
  tableName: tableName('idempotency'),
  expiresAfterSeconds: Number(process.env.IDEMPOTENCY_TTL_SECONDS ?? 86_400),
});

export const handler = httpHandler(async (event, context) => {
  requireJsonContent(event);
  const command = { principal: principalFromEvent(event), body: bodyBytes(event) };
  const key = event.headers['idempotency-key'];
  const receipt = key
    ? await submitOnce(context, { partyId: requireParty(command.principal), key: checkIdempotencyKey(key), sha256: sha256Hex(command.body) }, command)
    : await submitDeclaration(command, deps);
  metrics.addMetric('DeclarationsSubmitted', MetricUnit.Count, 1);
  return json(202, receipt, { location: receipt.links.self });
}, { metrics: true });
