import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError } from '@tthc/core';

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P03', '08006', '08001', '08004']);

/** Connection-level failures become the port's StoreUnavailableError; everything else passes through. */
export function mapPgError(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
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
  let broken = false;
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
    client.off('error', ignore);
    // A broken connection is closed rather than handed back to the pool.
    client.release(broken);
  }
}
