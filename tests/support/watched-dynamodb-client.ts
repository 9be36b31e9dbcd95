/**
 * A DynamoDB client of a test's own on the local cloud's dynalite, whose every call `watch` sees
 * first (its command name and input, before the document client marshals it): to count calls, or
 * to fail one as DynamoDB would (a throw from `watch` is the call's error).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalCloud } from '#local/cloud.ts';

export function watchedDynamoDbClient(cloud: LocalCloud, watch: (command: string, input: Record<string, unknown>) => void): DynamoDBClient {
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION,
    endpoint: cloud.endpoints.dynamodb,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      watch(context.commandName ?? '', args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'watchCalls' },
  );
  return client;
}
