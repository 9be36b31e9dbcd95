/**
 * Least privilege, locally: every AWS SDK call a handler makes (through the clients of
 * shared/adapters/aws-clients.ts) is checked against its function's `access` in
 * shared/resources.ts, the declaration the CDK app turns into the function's IAM policy. A call
 * the declaration does not allow fails as in AWS (AccessDeniedException / AccessDenied), so a
 * missing permission shows up in the local cloud and its tests, not in production.
 *
 * With CUSTOMS_AWS_CALLS_FILE set (the vitest setup does it per test file), each distinct call is
 * also appended to that file as a JSON line (`RecordedCall`): tests/access/least-privilege.test.ts
 * checks every recorded call against the declarations, and every declared permission against the
 * calls recorded.
 *
 * Calls outside an invocation (seeding, tests' own adapters) and functions without `access`
 * (tests' fixture handlers) are neither checked nor recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type AwsClient, onClientCreated } from '#shared/adapters/aws-clients.ts';
import type { FunctionAccess } from '#shared/resources.ts';
import { type AwsCall, type AwsService, authorise, type Decision, describeCall, type ResourceIndex } from './access-policy.ts';

/** The function whose handler is running, for the SDK calls it makes (set by LocalFunction.invoke). */
export const invocationScope = new AsyncLocalStorage<{ functionName: string; access: FunctionAccess | undefined }>();

/** A distinct call, as recorded: one sample key per key shape. */
export interface RecordedCall extends AwsCall {
  function: string;
}

/** The environment variable naming the file calls are recorded to. */
export const AWS_CALLS_FILE_ENV = 'CUSTOMS_AWS_CALLS_FILE';

interface Enforcement {
  resources: ResourceIndex;
  awsRegion: string;
  accountId: string;
  record: ((call: RecordedCall) => void) | undefined;
}

let current: Enforcement | undefined;
let installed = false;

/**
 * Checks the handlers' calls against their declarations while the returned function is not
 * called (one LocalCloud at a time per process). The middleware is added to every client created
 * from now on; it asks `current`, so clients of later clouds of the process are checked too.
 */
export function enforceAccess(resources: ResourceIndex, where: { awsRegion: string; accountId: string }): () => void {
  if (!installed) {
    installed = true;
    onClientCreated(addMiddleware);
  }
  const file = process.env[AWS_CALLS_FILE_ENV];
  current = { resources, ...where, record: file ? recorder(file) : undefined };
  return () => {
    current = undefined;
  };
}

function addMiddleware(client: AwsClient, service: AwsService): void {
  const stack = client.middlewareStack as { add(middleware: unknown, options: Record<string, unknown>): void };
  // The build step: after lib-dynamodb has marshalled the input, before the retry loop; it also
  // runs when a presigned URL is made (the URL carries the signer's permission).
  const middleware =
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: Record<string, unknown> }): Promise<unknown> => {
      const scope = invocationScope.getStore();
      const enforcement = current;
      if (!scope?.access || !enforcement) return next(args);
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      for (const call of describeCall(service, operation, args.input, enforcement.resources)) {
        const decision = authorise(scope.access, call);
        enforcement.record?.({ function: scope.functionName, ...call });
        if (!decision.allowed) throw accessDenied(scope.functionName, call, decision, enforcement);
      }
      return next(args);
    };
  stack.add(middleware, { step: 'build', priority: 'high', name: 'localAccessControl' });
}

/** The error AWS answers a call the caller's policy does not allow with. */
function accessDenied(
  functionName: string,
  call: AwsCall,
  decision: Extract<Decision, { allowed: false }>,
  { awsRegion, accountId }: Enforcement,
): Error {
  const name = call.service === 's3' || call.service === 'sqs' ? 'AccessDenied' : 'AccessDeniedException';
  const error = new Error(
    `User: arn:aws:sts::${accountId}:assumed-role/${functionName}Role/${functionName} is not authorized to perform: ` +
      `${call.service}:${call.action} on resource ${call.resource}${call.index ? `/index/${call.index}` : ''} in ${awsRegion} ` +
      `because no identity-based policy allows it (${decision.reason}; see access.${functionName} in shared/resources.ts)`,
  ) as Error & { $fault: string; $metadata: unknown };
  error.name = name;
  error.$fault = 'client';
  error.$metadata = { httpStatusCode: call.service === 's3' ? 403 : 400, attempts: 1 };
  return error;
}

/** Appends each distinct call (function, action, resource, index, key shapes) once. */
function recorder(file: string): (call: RecordedCall) => void {
  mkdirSync(path.dirname(file), { recursive: true });
  const seen = new Set<string>();
  return (call) => {
    const shapes = [...new Set(call.keys.map((key) => keyShape(call.service, key)))].sort();
    const signature = JSON.stringify([call.function, call.service, call.action, call.resource, call.index, shapes]);
    if (seen.has(signature)) return;
    seen.add(signature);
    const samples = shapes.map((shape) => call.keys.find((key) => keyShape(call.service, key) === shape) as string);
    appendFileSync(file, `${JSON.stringify({ ...call, keys: samples })}\n`);
  };
}

/**
 * What a key looks like, ids left out: a partition key up to its first `#` (`DECL#`, `SEALKEYS`),
 * an object key with the segments that are not plain words (ids, hashes, the two hex characters) as
 * `*`, their extension kept (`*.json`, `*.pdf`: grants may tell a sealed document from its PDF).
 */
export function keyShape(service: AwsService, key: string): string {
  if (service === 'dynamodb') return key.includes('#') ? key.slice(0, key.indexOf('#') + 1) : key;
  return key
    .split('/')
    .map((segment) =>
      /^[A-Za-z-]+$/.test(segment) && !/^[0-9a-f]{2}$/.test(segment)
        ? segment
        : `*${/(\.[A-Za-z][A-Za-z0-9]*)+$/.exec(segment)?.[0] ?? ''}`,
    )
    .join('/');
}
