import type { Pool, PoolClient } from 'pg';
import { StoreNotFoundError, StorePermissionDeniedError, StoreRejectedError, StoreUnavailableError } from '@tthc/core';

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08004']);

/**
 * SQLSTATE classes of a refusal of the data itself: 22 data exception (a NUL that jsonb cannot hold,
 * text that is not valid in the database's encoding), 54 program limit exceeded (a value too large).
 * The same statement would fail again however long one waited.
 */
const REJECTED_CLASSES = new Set(['22', '54']);
// Also a NOT NULL (23502) or CHECK (23514) broken, or a trigger's own exception (P0001). Not the rest
// of class 23: a unique violation (23505) is an id already stored, which the append retries.
const REJECTED_CODES = new Set(['23502', '23514', 'P0001']);

/**
 * Connection-level failures become the port's StoreUnavailableError, refusals of the data its
 * StoreRejectedError (with the server's words), a missing database StoreNotFoundError; everything
 * else passes through.
 */
export function mapPgError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  // 3D000 invalid_catalog_name: the database in the URL does not exist; the server's words name it.
  if (code === '3D000') return new StoreNotFoundError(`PostgreSQL: ${(error as Error).message}; check --store, or create it (createdb)`, { cause: error });
  // 42501 insufficient_privilege: the process runs as a role that may not do this (store-roles).
  if (code === '42501')
    return new StorePermissionDeniedError(
      `PostgreSQL refused this process's role: ${(error as Error).message}; each process connects as the role for its work (docs/deploy.md, "Database roles")`,
      { cause: error },
    );
  if (typeof code === 'string' && code.length === 5 && (REJECTED_CLASSES.has(code.slice(0, 2)) || REJECTED_CODES.has(code))) {
    return new StoreRejectedError(`PostgreSQL refused the data: ${(error as Error).message} (SQLSTATE ${code})`, { cause: error });
  }
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    return new StoreUnavailableError(`PostgreSQL unavailable: ${(error as Error).message}`, { cause: error });
  }
  if (error instanceof Error && /Connection terminated|connect ECONNREFUSED|connection error and is not queryable/.test(error.message)) {
    return new StoreUnavailableError(`PostgreSQL unavailable: ${error.message}`, { cause: error });
  }
  return error;
}

/** Runs `work` in one transaction on one pooled client; `begin` can set its isolation level and access mode. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw mapPgError(error);
  }
  // A connection the server drops mid-transaction emits 'error' on the checked-out client; without a
  // listener that crashes the process. The failing query rejects too, and that is what we report.
  let broken = false as boolean; // set by the listener, which the linter cannot follow
  const ignore = () => {
    broken = true;
  };
  client.on('error', ignore);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw mapPgError(error);
  } finally {
    // A broken connection is closed rather than handed back to the pool, and keeps its listener: the
    // server's own 'terminating connection' message can arrive after the release.
    if (!broken) client.off('error', ignore);
    client.release(broken);
  }
}
