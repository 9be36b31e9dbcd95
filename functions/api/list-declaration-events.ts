/** GET /v1/declarations/{id}/events: the history of a declaration, oldest first. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { dynamoDbClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { pathParameter } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { listDeclarationEvents } from '../../shared/usecases/read-declarations.ts';

const repository = new DynamoDbDeclarationRepository(dynamoDbClient(), tableName('main'));

export const handler = httpHandler(async (event) => {
  const history = await listDeclarationEvents({ principal: principalFromEvent(event), id: pathParameter(event, 'id') }, { repository });
  return json(200, history);
});
