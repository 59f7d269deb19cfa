import { StoreRejectedError, StoreUnavailableError } from '@tthc/core';

// The database is locked past busy_timeout, cannot be opened, or the disk failed: a retry may succeed.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;

// The data itself is refused (too large, a NOT NULL, CHECK or trigger broken): the same write would fail again.
const REJECTED = /^SQLITE_(TOOBIG|MISMATCH|CONSTRAINT_NOTNULL|CONSTRAINT_CHECK|CONSTRAINT_TRIGGER)$/;

/**
 * SQLite's transient failures become the port's StoreUnavailableError, refusals of the data its
 * StoreRejectedError (with SQLite's words); everything else passes through.
 */
export function mapSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && REJECTED.test(code)) {
    return new StoreRejectedError(`SQLite refused the data: ${(error as Error).message} (${code})`, { cause: error });
  }
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`SQLite unavailable: ${(error as Error).message} (${code})`, { cause: error });
  }
  return error;
}

/** Runs synchronous driver work as a promise whose rejection carries the port's error types. */
export function run<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    const mapped = mapSqliteError(error);
    return Promise.reject(mapped instanceof Error ? mapped : new Error(String(mapped)));
  }
}
