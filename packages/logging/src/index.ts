import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly level?: LogLevel;
  /** Where JSON lines go; stderr by default, so that stdout carries only a command's output. */
  readonly destination?: DestinationStream;
}

/**
 * The level when none is given: `warn` when a person watches a terminal (progress bars say what is
 * happening), `info` when stderr goes to a file or a log collector. A worker thread's stderr is never
 * a terminal, so a worker is given its parent's.
 */
export function defaultLogLevel(): LogLevel {
  return process.stderr.isTTY ? 'warn' : 'info';
}

/** JSON logs on stderr, at `level` or the default one (see `defaultLogLevel`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? defaultLogLevel();
  return pino(
    {
      level,
      base: { service: 'tthc' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.password', '*.connectionString', 'store.url'], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
