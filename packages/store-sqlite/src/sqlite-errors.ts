import { StoreUnavailableError } from '@tthc/core';

// The database is locked past busy_timeout, cannot be opened, or the disk failed: a retry may succeed.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;

/** SQLite's transient failures become the port's StoreUnavailableError; everything else passes through. */
export function mapSqliteError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE.test(code)) {
    return new StoreUnavailableError(`SQLite unavailable: ${(error as Error).message}`, { cause: error });
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
