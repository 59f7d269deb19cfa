import { Pool } from 'pg';
import type { SchemaStatus } from '@tthc/core';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
import { PostgresDailyCountsStore } from './postgres-daily-counts-store';
import { PostgresIngestStore } from './postgres-ingest-store';
import { PostgresProjectionStore } from './postgres-projection-store';
import { migrate } from './migrations';
import { mapPgError } from './transaction';

export interface PostgresStores {
  readonly eventStore: PostgresEventStore;
  readonly projectionStore: PostgresProjectionStore;
  readonly dailyCountsStore: PostgresDailyCountsStore;
  readonly ingestStore: PostgresIngestStore;
  readonly pool: Pool;
  readonly schema: SchemaStatus;
  close(): Promise<void>;
}

/** Connects, migrates, and returns every port on one pool (views and log share a database). */
export async function openPostgresStores(
  connectionString: string,
  options: { poolSize?: number; eventStore?: PostgresEventStoreOptions } = {},
): Promise<PostgresStores> {
  // JIT off: on large id lists its compile time (about 100 ms) dwarfed the queries it was meant to speed up.
  const pool = new Pool({ connectionString, max: options.poolSize ?? 4, application_name: 'tthc', options: '-c jit=off' });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let schema: SchemaStatus;
  try {
    schema = await migrate(pool);
  } catch (error) {
    await pool.end();
    throw mapPgError(error);
  }
  const projectionStore = new PostgresProjectionStore(pool);
  return {
    pool,
    schema,
    eventStore: new PostgresEventStore(pool, options.eventStore),
    projectionStore,
    dailyCountsStore: new PostgresDailyCountsStore(pool, projectionStore),
    ingestStore: new PostgresIngestStore(pool),
    close: () => pool.end(),
  };
}
