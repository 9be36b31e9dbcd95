/**
 * The two checks of least privilege over the AWS calls the handlers made while tests ran (recorded
 * by local/access-control.ts): a call the function's `access` does not allow, and a permission of
 * an `access` no recorded call used.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedCall } from '#local/access-control.ts';
import { authorise, stringLike } from '#local/access-policy.ts';
import type { FunctionAccess } from '#shared/resources.ts';

type Definitions = Readonly<Record<string, { access: FunctionAccess }>>;

/** Every call recorded under `directory` (one JSON line per distinct call, a file per test file). */
export function readRecordedCalls(directory: string): RecordedCall[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) =>
      readFileSync(path.join(directory, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedCall),
    );
}

/** The recorded calls of the defined functions that their `access` does not allow, described. */
export function undeclaredCalls(calls: readonly RecordedCall[], definitions: Definitions): string[] {
  return calls.flatMap((call) => {
    const definition = definitions[call.function];
    if (!definition) return [];
    const decision = authorise(definition.access, call);
    return decision.allowed ? [] : [`${call.function}: ${decision.reason}`];
  });
}

/**
 * The permissions of each function's `access` that no recorded call used, named as the
 * allow-list names them:
 * - `<function> <service>:<action> on <resource>[/index/<index>] [<keys>]`: an action of a grant;
 * - `<function> <resource>[/index/<index>] key <pattern>`: a key pattern no allowed call matched;
 * - `<function> sqs:SendMessage on <queue>`, `<function> kms:<Sign|GetPublicKey> on <key>`,
 *   `<function> events:PutEvents on <bus>`, `<function> secretsmanager:GetSecretValue on <secret>`.
 */
export function unusedPermissions(calls: readonly RecordedCall[], definitions: Definitions): string[] {
  const used = new Set<string>();
  for (const call of calls) {
    const definition = definitions[call.function];
    if (!definition) continue;
    const decision = authorise(definition.access, call);
    if (!decision.allowed) continue;
    used.add(`${call.function} ${call.service} ${call.resource} ${call.index ?? ''} #${decision.grant} ${call.action}`);
    for (const pattern of decision.patterns) used.add(`${call.function} ${call.resource} ${call.index ?? ''} key ${pattern}`);
  }
  const unused: string[] = [];
  for (const [name, { access }] of Object.entries(definitions)) {
    const grantsOf = { dynamodb: access.tables ?? {}, s3: access.buckets ?? {} } as const;
    for (const service of ['dynamodb', 's3'] as const) {
      const resources = grantsOf[service] as Record<
        string,
        readonly { actions: readonly string[]; keys: readonly string[]; index?: string }[]
      >;
      for (const [resource, grants] of Object.entries(resources)) {
        for (const [position, grant] of grants.entries()) {
          const on = `${resource}${grant.index ? `/index/${grant.index}` : ''}`;
          for (const action of grant.actions) {
            if (!used.has(`${name} ${service} ${resource} ${grant.index ?? ''} #${position} ${action}`)) {
              unused.push(`${name} ${service}:${action} on ${on} [${grant.keys.join(' ')}]`);
            }
          }
          for (const pattern of grant.keys) {
            if (!used.has(`${name} ${resource} ${grant.index ?? ''} key ${pattern}`)) unused.push(`${name} ${on} key ${pattern}`);
          }
        }
      }
    }
    for (const [position, queue] of (access.sendTo ?? []).entries()) {
      if (!used.has(`${name} sqs ${queue}  #${position} SendMessage`)) unused.push(`${name} sqs:SendMessage on ${queue}`);
    }
    for (const [position, bus] of (access.publishTo ?? []).entries()) {
      if (!used.has(`${name} events ${bus}  #${position} PutEvents`)) unused.push(`${name} events:PutEvents on ${bus}`);
    }
    for (const [position, secret] of (access.secrets ?? []).entries()) {
      if (!used.has(`${name} secretsmanager ${secret}  #${position} GetSecretValue`))
        unused.push(`${name} secretsmanager:GetSecretValue on ${secret}`);
    }
    for (const [position, key] of (access.signWith ?? []).entries()) {
      for (const action of ['Sign', 'GetPublicKey']) {
        if (!used.has(`${name} kms ${key}  #${position} ${action}`)) unused.push(`${name} kms:${action} on ${key}`);
      }
    }
  }
  return [...new Set(unused)];
}

/** The permissions of `unused` no allow-list entry covers (entries are IAM-like patterns: `*` any run). */
export function notAllowListed(unused: readonly string[], allowList: readonly { permission: string }[]): string[] {
  return unused.filter((permission) => !allowList.some((entry) => stringLike(entry.permission, permission)));
}
