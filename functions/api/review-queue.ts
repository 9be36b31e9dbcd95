/** GET /v1/review/queue?lane=&office=&cursor=: declarations waiting for an officer, oldest first. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { dynamoDbClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { reviewQueueQuerySchema } from '../../shared/http/queries.ts';
import { parseQuery } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { listReviewQueue } from '../../shared/usecases/review-queue.ts';

const deps = {
  repository: new DynamoDbDeclarationRepository(dynamoDbClient(), tableName('main')),
  customsOffices: (process.env.CUSTOMS_OFFICES ?? '').split(',').filter(Boolean),
};

export const handler = httpHandler(async (event) => {
  const principal = principalFromEvent(event);
  const page = await listReviewQueue({ principal, ...parseQuery(reviewQueueQuerySchema, event) }, deps);
  return json(200, page);
});
