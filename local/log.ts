/**
 * A tiny leveled logger for the local cloud's own lines (requests, batches, start-up).
 * Handler output (Powertools Logger, console) is not routed through it.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return value in rank;
}

export function createLog(level: LogLevel, prefix = 'local'): Log {
  const enabled = (at: LogLevel): boolean => rank[at] >= rank[level];
  const line = (message: string): string => `${new Date().toISOString()} [${prefix}] ${message}`;
  return {
    debug: (message) => {
      if (enabled('debug')) console.log(line(message));
    },
    info: (message) => {
      if (enabled('info')) console.log(line(message));
    },
    warn: (message) => {
      if (enabled('warn')) console.warn(line(message));
    },
    error: (message, error) => {
      if (!enabled('error')) return;
      console.error(line(message));
      if (error !== undefined && enabled('debug')) console.error(error);
    },
  };
}

/** Message of an unknown thrown value, for log lines. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
