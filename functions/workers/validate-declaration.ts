/** Validation stage worker: SQS messages from the validation queue, one declaration each. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { dynamoDbClient, queueUrl, sqsClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { SqsPipelineQueue } from '../../shared/adapters/sqs-pipeline-queue.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { pipelineMessageSchema } from '../../shared/domain/declaration-record.ts';
import { validateDeclarationRules } from '../../shared/domain/validation-rules.ts';
import { logger } from '../../shared/observability.ts';
import { referenceData } from '../../shared/reference/index.ts';
import { validateDeclaration } from '../../shared/usecases/validate-declaration.ts';
import { sqsHandler } from '../../shared/workers/sqs-handler.ts';

const region = {
  customsOffices: (process.env.CUSTOMS_OFFICES ?? '').split(',').filter(Boolean),
  nationalCountry: process.env.CUSTOMS_COUNTRY ?? 'GB',
};
const deps = {
  repository: new DynamoDbDeclarationRepository(dynamoDbClient(), tableName('main')),
  riskQueue: new SqsPipelineQueue(sqsClient(), queueUrl('risk')),
  clock: systemClock,
  rules: (declaration: Parameters<typeof validateDeclarationRules>[0], today: string) =>
    validateDeclarationRules(declaration, referenceData, { today, ...region }),
};

export const handler = sqsHandler(pipelineMessageSchema, async (message) => {
  const result = await validateDeclaration(message, deps);
  logger.info('validation stage done', { declarationId: message.declarationId, result });
});
