/**
 * Locally, the handlers' SDK requests carry a well-formed SigV4 `Authorization` header with a
 * placeholder signature instead of a computed one. No local emulator checks a signature: dynalite
 * checks that the header is there and well-formed, fauxqs reads the region from its credential
 * scope, ours ignore it. Computing it (canonical request, SHA-256 of the payload, four HMACs) was
 * about a tenth of the handlers' thread's CPU in the local cloud (docs/benchmarks.md, "Where the
 * local time goes"), an avoidable per-request cost (issue 11, item 5).
 *
 * Everything else of the SDK's path runs as in AWS (serialisation, endpoints, retries, the local
 * access control's middleware, HTTP over loopback). Presigned URLs are still signed: the presigner
 * has a signer of its own. Only the local cloud installs this, through `onClientCreated`, which
 * nothing registers in AWS.
 */
import { type AwsClient, type AwsClientService, onClientCreated } from '#shared/adapters/aws-clients.ts';

/** The service name of each client's credential scope (SigV4's signing name). */
const SIGNING_NAMES: Record<AwsClientService, string> = {
  dynamodb: 'dynamodb',
  sqs: 'sqs',
  s3: 's3',
  kms: 'kms',
  events: 'events',
  secretsmanager: 'secretsmanager',
};

const PLACEHOLDER_SIGNATURE = '0'.repeat(64);

interface SignableRequest {
  headers: Record<string, string>;
}

/** `20261128T101500Z`: SigV4's basic ISO 8601 form. */
export const amzDate = (at: Date): string => at.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** The headers a SigV4-signed request carries, with a placeholder where the signature would be. */
export function placeholderSignatureHeaders(input: {
  accessKeyId: string;
  region: string;
  service: AwsClientService;
  at: Date;
}): Record<string, string> {
  const date = amzDate(input.at);
  const scope = `${input.accessKeyId}/${date.slice(0, 8)}/${input.region}/${SIGNING_NAMES[input.service]}/aws4_request`;
  return {
    'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=${PLACEHOLDER_SIGNATURE}`,
    // S3 asks every request to say what its payload hash is; this one says it was not hashed.
    ...(input.service === 's3' ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {}),
  };
}

/** Replaces the client's signing step with the placeholder (the local cloud's own clients, and every handler's). */
export function signWithPlaceholder<C extends AwsClient>(client: C, service: AwsClientService): C {
  const stack = client.middlewareStack as unknown as { addRelativeTo(middleware: unknown, options: Record<string, unknown>): void };
  const config = client.config as { region: () => Promise<string> };
  const middleware =
    (next: (args: { request: SignableRequest }) => Promise<unknown>) =>
    async (args: { request: SignableRequest }): Promise<unknown> => {
      const headers = placeholderSignatureHeaders({
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
        region: await config.region(),
        service,
        at: new Date(),
      });
      Object.assign(args.request.headers, headers);
      return next(args);
    };
  // The SDK's own signing middleware's name and place (@smithy/core's httpSigningMiddlewareOptions), overridden.
  stack.addRelativeTo(middleware, {
    step: 'finalizeRequest',
    name: 'httpSigningMiddleware',
    // The presigner places its own step by one of these names.
    aliases: ['apiKeyMiddleware', 'tokenMiddleware', 'awsAuthMiddleware'],
    override: true,
    relation: 'after',
    toMiddleware: 'retryMiddleware',
  });
  return client;
}

let installed = false;

/** Replaces the signing step of every handler client created from now on in this process (idempotent). */
export function signWithPlaceholders(): void {
  if (installed) return;
  installed = true;
  onClientCreated(signWithPlaceholder);
}
