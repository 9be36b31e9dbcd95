/** GET /v1/declarations: a trader's own declarations (officers name a declarant), newest first. */
import { DynamoDbDeclarationRepository } from '../../shared/adapters/dynamodb-declaration-repository.ts';
import { dynamoDbClient, tableName } from '../../shared/adapters/aws-clients.ts';
import { httpHandler } from '../../shared/http/middleware.ts';
import { principalFromEvent } from '../../shared/http/principal.ts';
import { listDeclarationsQuerySchema } from '../../shared/http/queries.ts';
import { parseQuery } from '../../shared/http/request.ts';
import { json } from '../../shared/http/responses.ts';
import { listDeclarations } from '../../shared/usecases/read-declarations.ts';

const repository = new DynamoDbDeclarationRepository(dynamoDbClient(), tableName('main'));

export const handler = httpHandler(async (event) => {
  const query = parseQuery(listDeclarationsQuerySchema, event);
  const page = await listDeclarations({ principal: principalFromEvent(event), ...query }, { repository });
  return json(200, page);
});
