/**
 * Idempotency-Key support through Powertools idempotency: the same key from the same party with
 * the same body replays the first response; the same key with a different body is refused.
 */

import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DomainError, problem } from '#shared/domain/problems.ts';

export interface IdempotentRequest {
  partyId: string;
  key: string;
  /** SHA-256 of the body: a different body under the same key is a client error. */
  sha256: string;
}

export function makeIdempotentOperation<TArgs extends unknown[], TResult>(
  operation: (request: IdempotentRequest, ...args: TArgs) => Promise<TResult>,
  options: {
    client: DynamoDBClient;
    tableName: string;
    expiresAfterSeconds: number;
    /**
     * The records' key prefix (`<keyPrefix>#<hash>`): the function's logical name, so that its IAM
     * policy can hold it to its own records (dynamodb:LeadingKeys `<keyPrefix>#*`); Powertools'
     * default, the deployed function name, is only known once deployed.
     */
    keyPrefix: string;
  },
) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[partyId, key]',
    payloadValidationJmesPath: 'sha256',
    expiresAfterSeconds: options.expiresAfterSeconds,
    hashFunction: 'sha256',
  });
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: options.tableName, awsSdkV3Client: options.client });
  const idempotent = makeIdempotent(operation, { persistenceStore, config, keyPrefix: options.keyPrefix });

  return async (context: Context, request: IdempotentRequest, ...args: TArgs): Promise<TResult> => {
    config.registerLambdaContext(context);
    try {
      return (await idempotent(request, ...args)) as TResult;
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new DomainError('UNPROCESSABLE', 'Idempotency-Key reused', [
          problem(
            '',
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was already used with a different body; use a new key for a new request',
          ),
        ]);
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new DomainError('CONFLICT', 'Request in progress', [
          problem('', 'REQUEST_IN_PROGRESS', 'a request with this Idempotency-Key is still being processed; retry shortly'),
        ]);
      }
      throw unwrapDomainError(error);
    }
  };
}

/** Powertools wraps errors of the operation; surface our own domain errors unchanged. */
function unwrapDomainError(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof DomainError) return current;
    current = current.cause;
  }
  return error;
}
