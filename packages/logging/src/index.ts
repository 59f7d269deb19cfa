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
 * JSON logs on stderr. With no level given: `warn` when a person watches a terminal (progress bars
 * say what is happening), `info` when stderr goes to a file or a log collector.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.stderr.isTTY ? 'warn' : 'info');
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
