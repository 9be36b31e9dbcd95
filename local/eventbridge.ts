/**
 * The local cloud's event bus: a minimal EventBridge on 127.0.0.1 (PutEvents over the JSON 1.1
 * protocol the SDK speaks) that keeps the events of the buses of shared/resources.ts in process,
 * so the platform's EventBridge adapter runs unchanged. Local consumers (tests, tools) read them
 * with `events()` or `subscribe()`; there are no rules and nothing is kept across restarts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, type RunningEmulator } from './servers.ts';

/** An event as EventBridge would hand it to a rule's target. */
export interface BusEvent {
  id: string;
  bus: string;
  source: string;
  'detail-type': string;
  time: string;
  detail: unknown;
}

export interface RunningEventBridge extends RunningEmulator {
  /** Bus names by logical name. */
  names: Record<string, string>;
  /** Every event put so far, oldest first. */
  events(): BusEvent[];
  /** Calls `listener` with each event put from now on; returns the unsubscribe function. */
  subscribe(listener: (event: BusEvent) => void): () => void;
}

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
}

/** At most this many events are kept (oldest dropped): a long `npm start` does not grow without bound. */
const MAX_KEPT = 10_000;

export async function startEventBridge(options: { port: number; buses: Record<string, string> }): Promise<RunningEventBridge> {
  const known = new Set(Object.values(options.buses));
  const kept: BusEvent[] = [];
  const listeners = new Set<(event: BusEvent) => void>();

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target !== 'AWSEvents.PutEvents') {
        return reply(response, 400, { __type: 'UnknownOperationException', message: `${target} is not emulated locally` });
      }
      let entries: PutEventsEntry[];
      try {
        entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: PutEventsEntry[] }).Entries ?? [];
      } catch {
        return reply(response, 400, { __type: 'ValidationException', message: 'body is not JSON' });
      }
      const results = entries.map((entry) => {
        const bus = entry.EventBusName ?? 'default';
        if (!known.has(bus)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
        let detail: unknown;
        try {
          detail = JSON.parse(entry.Detail ?? '{}');
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        }
        const event: BusEvent = {
          id: randomUUID(),
          bus,
          source: entry.Source ?? '',
          'detail-type': entry.DetailType ?? '',
          time: new Date(entry.Time === undefined ? Date.now() : entry.Time * 1000).toISOString(),
          detail,
        };
        kept.push(event);
        if (kept.length > MAX_KEPT) kept.shift();
        for (const listener of listeners) listener(event);
        return { EventId: event.id };
      });
      const failed = results.filter((result) => 'ErrorCode' in result).length;
      return reply(response, 200, { FailedEntryCount: failed, Entries: results });
    });
  });
  const port = await listen(server, options.port);
  return {
    port,
    names: options.buses,
    events: () => [...kept],
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => closeServer(server),
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
