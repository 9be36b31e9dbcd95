/**
 * Locally, the SDK clients' requests to an emulator in a worker thread of this process (dynalite,
 * local/emulator-thread.ts) are handed to that thread as a message instead of going through a
 * loopback socket: the emulator's own request listener answers them in its thread, as it would a
 * request read from the socket (light-my-request builds the request and response objects). A
 * loopback round trip cost the main thread's HTTP client and the emulator's HTTP server about a
 * quarter of their CPU under the steady load (docs/benchmarks.md, "Where the local time goes"):
 * an avoidable per-request cost (issue 11, item 5).
 *
 * Everything of the SDK's path above the transport runs as before (serialisation, endpoints,
 * retries, the placeholder signature, the local access control, chaos); the emulators still listen
 * on their loopback ports for everything else (the AWS CLI, the browser, a test's own client). A
 * request whose host and port are no in-thread emulator's goes through the client's own handler.
 * Only the local cloud installs this, through `onClientCreated`, which nothing registers in AWS.
 */
import { type AwsClient, type AwsClientService, onClientCreated } from '#shared/adapters/aws-clients.ts';
import type { ThreadRequest, ThreadResponse } from './emulator-thread.ts';

/** An emulator that answers requests in its thread (EmulatorThread.request). */
export interface InThreadEmulator {
  request(request: ThreadRequest): Promise<ThreadResponse>;
}

/** The smithy HttpRequest fields the transport reads. */
interface OutgoingRequest {
  method: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface RequestHandler {
  handle(request: OutgoingRequest, options?: { abortSignal?: AbortSignal }): Promise<{ response: unknown }>;
  destroy?(): void;
  [other: string]: unknown;
}

/** In-thread emulators by `host:port` (a local cloud registers its dynalite thread and fauxqs' SQS while it runs). */
const emulators = new Map<string, InThreadEmulator>();

/** Routes requests for `address` (`host:port`, as the SDK's endpoint names it) to `emulator` until the returned function is called. */
export function serveInThread(address: string, emulator: InThreadEmulator): () => void {
  emulators.set(address, emulator);
  return () => {
    if (emulators.get(address) === emulator) emulators.delete(address);
  };
}

function queryString(query: OutgoingRequest['query']): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      parts.push(one === null ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(one)}`);
    }
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function threadBody(body: unknown): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  throw new Error('in-thread requests carry string or byte bodies only');
}

/**
 * The answer, or an AbortError as the SDK's own handler rejects with once `signal` aborts (a
 * poller's long poll when the local cloud stops); the thread's late answer is then dropped.
 */
function abortable<T>(answer: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return answer;
  const aborted = (): Error => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Wraps the client's request handler: requests for an in-thread emulator go to its thread, the rest as before. */
export function sendInThreadWhereServed<C extends AwsClient>(client: C): C {
  const config = client.config as unknown as { requestHandler: RequestHandler };
  const own = config.requestHandler;
  const wrapped: RequestHandler = Object.assign(Object.create(own) as RequestHandler, {
    async handle(request: OutgoingRequest, options?: { abortSignal?: AbortSignal }) {
      const emulator = emulators.get(`${request.hostname}:${request.port ?? 80}`);
      if (!emulator) return own.handle(request, options);
      const answered = await abortable(
        emulator.request({
          method: request.method,
          url: `${request.path}${queryString(request.query)}`,
          headers: { ...request.headers, host: `${request.hostname}:${request.port}` },
          body: threadBody(request.body),
        }),
        options?.abortSignal,
      );
      return { response: { statusCode: answered.statusCode, headers: answered.headers, body: answered.body } };
    },
  });
  config.requestHandler = wrapped;
  return client;
}

let installed = false;

/** Every DynamoDB and SQS client created from now on in this process sends to in-thread emulators in their thread (idempotent). */
export function sendInThreadWhereServedFromNowOn(): void {
  if (installed) return;
  installed = true;
  onClientCreated((client: AwsClient, service: AwsClientService) => {
    if (service === 'dynamodb' || service === 'sqs') sendInThreadWhereServed(client);
  });
}
