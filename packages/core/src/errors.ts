/**
 * Every code an error of the pipeline carries, whichever package raises it. docs/errors.md has a
 * row for each (a unit test holds the two together); a code, once out, is never renamed: logs,
 * scripts and callers' checks rely on it.
 */
export const ERROR_CODES = [
  // The event store (core, store-*).
  'WRONG_EXPECTED_REVISION',
  'DUPLICATE_EVENT_ID_CONFLICT',
  'NATURAL_KEY_CONFLICT',
  'STORE_UNAVAILABLE',
  'STORE_REJECTED',
  'STORE_NOT_FOUND',
  'STORE_PERMISSION_DENIED',
  // Projections (core, projector).
  'PROJECTION_VERSION_RETIRED',
  'PROJECTION_LEASE_LOST',
  'PROJECTION_VERSION_NOT_FOUND',
  'PROJECTION_LOCKED',
  // Periods and simulation (core).
  'INVALID_PERIOD',
  'SIMULATION_REFUSED',
  // Reports (core, cli).
  'REPORT_BEHIND_LOG',
  // Retry (retry).
  'STOPPED_WHILE_UNAVAILABLE',
  // Kafka (kafka: every command that starts a Kafka client).
  'KAFKA_UNAVAILABLE',
  'KAFKA_AUTH_FAILED',
  'KAFKA_TLS_FAILED',
  // Ingest.
  'NO_REGISTRY',
  'ALL_REFUSED',
  // Publisher.
  'INVALID_PUBLISHER_CONFIG',
  'INVALID_EVENT',
  'PUBLISH_FAILED',
  // Command line (cli, bench).
  'USAGE',
  'INVALID_PROFILE',
  'INVALID_REGISTRY',
  'INTERRUPTED',
  // HTTP API (api).
  'INVALID_API_CONFIG',
  'INVALID_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'ACTIONS_DISABLED',
  'NOT_FOUND',
  'RATE_LIMITED',
  'POSITION_NOT_REACHED',
  'ACTION_RUNNING',
  'NOT_READY',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * The pipeline's code of an error, if it has one: by its `code`, not its class, so that an error
 * that crossed a worker thread (which keeps its own properties but not its prototype) still has it.
 */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as ErrorCode) : undefined;
}

/**
 * The base of every error the pipeline raises on purpose: `code` says what happened in a form a
 * program (and an operator's search in docs/errors.md) can rely on; the message says it to a person.
 * Messages name fields, rules, streams and positions, never personal data.
 */
export abstract class TthcError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // The subclass's name, in stacks and in the logs' `err.type`.
    this.name = new.target.name;
  }
}
