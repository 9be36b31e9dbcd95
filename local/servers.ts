/**
 * The loopback servers of the local cloud (emulators and gateway): how they listen and close.
 * No other imports than Node's, so that the emulator threads (local/emulator-thread.ts) load it as is.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const LOOPBACK = '127.0.0.1';

export interface RunningEmulator {
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens on 127.0.0.1; rejects (EADDRINUSE...) instead of emitting an unhandled error. Every
 * emulator (and the gateway) keeps idle connections 120 s: Node's default of 5 s lets a server
 * close an idle keep-alive connection just as the SDK reuses it ("socket hang up", ECONNRESET; a
 * burst of those drains the SDK's retry quota and a call fails unretried), which the bench's
 * 16 clients provoked on the local KMS, Secrets Manager and event bus. AWS endpoints keep
 * connections far longer.
 */
export function listen(server: Server, port: number): Promise<number> {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOOPBACK);
  });
}

/** Closes a server: stops accepting, ends idle keep-alive sockets, forces the rest after a grace period. */
export function closeServer(server: Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

export function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}
