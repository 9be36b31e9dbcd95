/**
 * What an AWS SDK call of a handler asks for, in IAM terms, and whether the function's `access`
 * (shared/resources.ts) allows it, with the rules IAM applies to the statements the CDK app makes
 * from the same `access` (infra/function-factory.ts):
 * - DynamoDB: the action on the table, or on the index a Query names; every partition key value
 *   the request names (`dynamodb:LeadingKeys`: the item's, each BatchGetItem key's, the index's
 *   partition key of a Query) must match a pattern of the one grant that allows it
 *   (`ForAllValues:StringLike`: a request with no key, like Scan, is decided by its action alone);
 * - S3: HeadObject is `s3:GetObject`, a read naming a version `s3:GetObjectVersion`, a presigned
 *   PUT `s3:PutObject`; the object key must match a pattern of the grant;
 * - SQS: SendMessage and SendMessageBatch are `sqs:SendMessage` on a queue of `sendTo`;
 * - KMS: Sign and GetPublicKey on a key of `signWith`;
 * - EventBridge: PutEvents on a bus of `publishTo` (one request per bus its entries name);
 * - Secrets Manager: GetSecretValue on a secret of `secrets`.
 * Used by the local cloud to refuse calls (local/access-control.ts) and by the test that checks
 * the recorded calls against the declarations (tests/access/least-privilege.test.ts).
 */
import type { FunctionAccess, TableDefinition } from '#shared/resources.ts';

export type AwsService = 'dynamodb' | 's3' | 'sqs' | 'kms' | 'events' | 'secretsmanager';

/** One authorisation request of a call (a BatchGetItem over two tables is two). */
export interface AwsCall {
  service: AwsService;
  /** The IAM action, without the service prefix (`GetItem`, `GetObjectVersion`, `SendMessage`). */
  action: string;
  /** Logical name of the table, bucket, queue or signing key (the physical one when unknown). */
  resource: string;
  /** DynamoDB: the index a Query names. */
  index?: string | undefined;
  /** DynamoDB: the partition key values the request names; S3: the object key. */
  keys: string[];
}

export type Decision = { allowed: true; grant: number; patterns: string[] } | { allowed: false; reason: string };

/** The physical names of the local cloud's resources, by which calls name them. */
export interface ResourceIndex {
  tables: Readonly<Record<string, { logical: string; definition: Pick<TableDefinition, 'partitionKey' | 'globalSecondaryIndexes'> }>>;
  buckets: Readonly<Record<string, string>>;
  /** Logical queue name by queue URL. */
  queues: Readonly<Record<string, string>>;
  /** Logical signing key name by key id. */
  signingKeys: Readonly<Record<string, string>>;
  /** Logical event bus name by bus name. */
  eventBuses: Readonly<Record<string, string>>;
  /** Logical secret name by secret id. */
  secrets: Readonly<Record<string, string>>;
}

type Input = Record<string, unknown>;

/** The authorisation requests of one SDK call (`operation`: the command name without `Command`). */
export function describeCall(service: AwsService, operation: string, input: Input, resources: ResourceIndex): AwsCall[] {
  if (service === 'dynamodb') return describeDynamoDbCall(operation, input, resources);
  if (service === 's3') {
    const bucket = String(input.Bucket ?? '');
    const reads = operation === 'GetObject' || operation === 'HeadObject';
    const action = reads ? (input.VersionId ? 'GetObjectVersion' : 'GetObject') : operation;
    return [{ service, action, resource: resources.buckets[bucket] ?? bucket, keys: input.Key === undefined ? [] : [String(input.Key)] }];
  }
  if (service === 'sqs') {
    const url = String(input.QueueUrl ?? '');
    const action = operation === 'SendMessageBatch' ? 'SendMessage' : operation;
    return [{ service, action, resource: resources.queues[url] ?? url, keys: [] }];
  }
  if (service === 'events') {
    // An entry without EventBusName goes to the account's default bus.
    const entries = (operation === 'PutEvents' ? (input.Entries ?? []) : [input]) as Input[];
    const names = [...new Set(entries.map((entry) => String(entry.EventBusName ?? 'default')))];
    return names.map((name) => ({ service, action: operation, resource: resources.eventBuses[name] ?? name, keys: [] }));
  }
  if (service === 'secretsmanager') {
    const secretId = String(input.SecretId ?? '');
    return [{ service, action: operation, resource: resources.secrets[secretId] ?? secretId, keys: [] }];
  }
  const keyId = String(input.KeyId ?? '');
  return [{ service, action: operation, resource: resources.signingKeys[keyId] ?? keyId, keys: [] }];
}

function describeDynamoDbCall(operation: string, input: Input, resources: ResourceIndex): AwsCall[] {
  const service = 'dynamodb';
  const tableOf = (name: unknown) => resources.tables[String(name ?? '')];
  const logical = (name: unknown): string => tableOf(name)?.logical ?? String(name ?? '');
  const partitionOf = (name: unknown, item: unknown): string[] => {
    const attribute = tableOf(name)?.definition.partitionKey;
    const value = attribute === undefined ? undefined : stringValue((item as Input | undefined)?.[attribute]);
    return value === undefined ? [] : [value];
  };
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ service, action: operation, resource: logical(input.TableName), keys: partitionOf(input.TableName, input.Key) }];
    case 'PutItem':
      return [{ service, action: operation, resource: logical(input.TableName), keys: partitionOf(input.TableName, input.Item) }];
    case 'Query': {
      const table = tableOf(input.TableName);
      const index = input.IndexName === undefined ? undefined : String(input.IndexName);
      const attribute =
        index === undefined ? table?.definition.partitionKey : table?.definition.globalSecondaryIndexes[index]?.partitionKey;
      const value = attribute === undefined ? undefined : queriedPartition(input, attribute);
      return [{ service, action: operation, resource: logical(input.TableName), index, keys: value === undefined ? [] : [value] }];
    }
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.entries((input.RequestItems ?? {}) as Record<string, unknown>).map(([name, request]) => {
        const items =
          operation === 'BatchGetItem'
            ? ((request as { Keys?: unknown[] }).Keys ?? [])
            : (request as Input[]).map(
                (write) => (write.PutRequest as Input | undefined)?.Item ?? (write.DeleteRequest as Input | undefined)?.Key,
              );
        return { service, action: operation, resource: logical(name), keys: items.flatMap((item) => partitionOf(name, item)) };
      });
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      // No IAM action of their own: each element needs the action of its kind.
      const kinds = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };
      return ((input.TransactItems ?? []) as Input[]).flatMap((element) =>
        Object.entries(kinds).flatMap(([kind, action]) => {
          const request = element[kind] as Input | undefined;
          if (!request) return [];
          return [
            { service, action, resource: logical(request.TableName), keys: partitionOf(request.TableName, request.Item ?? request.Key) },
          ];
        }),
      );
    }
    default:
      return [{ service, action: operation, resource: logical(input.TableName), keys: [] }];
  }
}

/** The partition key value of a Query: the `<name> = <value>` of its key condition on that attribute. */
function queriedPartition(input: Input, attribute: string): string | undefined {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const [, name, placeholder] of String(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    if ((names[name as string] ?? name) === attribute) return stringValue(values[placeholder as string]);
  }
  return undefined;
}

/** A string attribute, marshalled (`{ S: 'x' }`) or not. */
function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}

/** Whether `access` allows the call, and by which grant and key patterns. */
export function authorise(access: FunctionAccess, call: AwsCall): Decision {
  const denied = (reason: string): Decision => ({ allowed: false, reason });
  if (call.service === 'sqs') {
    const queues: readonly string[] = access.sendTo ?? [];
    if (call.action !== 'SendMessage') return denied(`sqs:${call.action} is granted to no function`);
    const position = queues.indexOf(call.resource);
    return position >= 0 ? { allowed: true, grant: position, patterns: [] } : denied(`queue ${call.resource} is not in sendTo`);
  }
  if (call.service === 'events') {
    const buses: readonly string[] = access.publishTo ?? [];
    if (call.action !== 'PutEvents') return denied(`events:${call.action} is granted to no function`);
    const position = buses.indexOf(call.resource);
    return position >= 0 ? { allowed: true, grant: position, patterns: [] } : denied(`event bus ${call.resource} is not in publishTo`);
  }
  if (call.service === 'secretsmanager') {
    const secrets: readonly string[] = access.secrets ?? [];
    if (call.action !== 'GetSecretValue') return denied(`secretsmanager:${call.action} is granted to no function`);
    const position = secrets.indexOf(call.resource);
    return position >= 0 ? { allowed: true, grant: position, patterns: [] } : denied(`secret ${call.resource} is not in secrets`);
  }
  if (call.service === 'kms') {
    const keys: readonly string[] = access.signWith ?? [];
    if (call.action !== 'Sign' && call.action !== 'GetPublicKey') return denied(`kms:${call.action} is granted to no function`);
    const position = keys.indexOf(call.resource);
    return position >= 0 ? { allowed: true, grant: position, patterns: [] } : denied(`key ${call.resource} is not in signWith`);
  }
  const grants: readonly { actions: readonly string[]; keys: readonly string[]; index?: string }[] =
    call.service === 'dynamodb'
      ? ((
          access.tables as Record<string, readonly { actions: readonly string[]; keys: readonly string[]; index?: string }[]> | undefined
        )?.[call.resource] ?? [])
      : ((access.buckets as Record<string, readonly { actions: readonly string[]; keys: readonly string[] }[]> | undefined)?.[
          call.resource
        ] ?? []);
  for (const [position, grant] of grants.entries()) {
    if (grant.index !== call.index || !grant.actions.includes(call.action)) continue;
    const patterns = call.keys.map((key) => grant.keys.find((pattern) => stringLike(pattern, key)));
    if (patterns.every((pattern) => pattern !== undefined)) return { allowed: true, grant: position, patterns: [...new Set(patterns)] };
  }
  const on = call.index ? `${call.resource}/index/${call.index}` : call.resource;
  return denied(`no grant on ${on} allows ${call.service}:${call.action}${call.keys.length > 0 ? ` on ${call.keys.join(', ')}` : ''}`);
}

/** IAM's StringLike: `*` any run of characters (`/` included), `?` one character. */
export function stringLike(pattern: string, value: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${expression}$`, 's').test(value);
}
