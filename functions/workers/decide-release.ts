/** Release stage worker: releases GREEN/BLUE declarations, queues YELLOW/RED ones for officers. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { dynamoDbClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { pipelineMessageSchema } from '../../shared/domain/declaration-record.ts';
import { logger } from '../../shared/observability.ts';
import { decideRelease } from '../../shared/usecases/decide-release.ts';
import { sqsHandler } from '../../shared/workers/sqs-handler.ts';

const deps = { repository: new DynamoDbDeclarationRepository(dynamoDbClient(), tableName('main')), clock: systemClock };

export const handler = sqsHandler(pipelineMessageSchema, async (message) => {
  const result = await decideRelease(message, deps);
  logger.info('release stage done', { declarationId: message.declarationId, result });
});
