/**
 * A minimal AWS Secrets Manager on 127.0.0.1 for the local cloud: GetSecretValue and
 * DescribeSecret over the JSON 1.1 protocol the SDK speaks, for the secrets of
 * shared/resources.ts. Values are random per start, or kept in <data>/secrets.json with --data.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { closeServer, listen, type RunningEmulator } from './servers.ts';

export interface RunningSecretsManager extends RunningEmulator {
  /** Secret names by logical name. */
  names: Record<string, string>;
}

export async function startSecretsManager(options: {
  port: number;
  region: string;
  /** Logical name -> secret name. */
  secrets: Record<string, string>;
  dataDir: string | undefined;
}): Promise<RunningSecretsManager> {
  const values = loadValues(options);
  const createdDate = Date.now() / 1000;
  const arn = (name: string) => `arn:aws:secretsmanager:${options.region}:000000000000:secret:${name}`;
  const byId = new Map<string, string>();
  for (const name of Object.values(options.secrets)) {
    byId.set(name, name);
    byId.set(arn(name), name);
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      let body: { SecretId?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { SecretId?: string };
      } catch {
        return reply(response, 400, { __type: 'InvalidRequestException', message: 'body is not JSON' });
      }
      const name = byId.get(body.SecretId ?? '');
      if (!name)
        return reply(response, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
      if (target === 'secretsmanager.GetSecretValue') {
        return reply(response, 200, {
          ARN: arn(name),
          Name: name,
          SecretString: values[name],
          VersionId: 'local-1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: createdDate,
        });
      }
      if (target === 'secretsmanager.DescribeSecret') return reply(response, 200, { ARN: arn(name), Name: name });
      return reply(response, 400, { __type: 'UnknownOperationException', message: `${target} is not emulated locally` });
    });
  });
  const port = await listen(server, options.port);
  return { port, names: options.secrets, stop: () => closeServer(server) };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

function loadValues(options: { secrets: Record<string, string>; dataDir: string | undefined }): Record<string, string> {
  const file = options.dataDir ? path.join(options.dataDir, 'secrets.json') : undefined;
  const stored: Record<string, string> = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const values: Record<string, string> = {};
  for (const name of Object.values(options.secrets)) values[name] = stored[name] ?? randomBytes(32).toString('hex');
  if (file) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(values, null, 2), { mode: 0o600 });
  }
  return values;
}
