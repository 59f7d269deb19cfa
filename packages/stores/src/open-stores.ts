import type { DailyCountsStore, EventStore, IngestStore, ProjectionStore, SchemaStatus } from '@tthc/core';
import { openPostgresStores } from '@tthc/store-postgres';
import { openSqliteStores } from '@tthc/store-sqlite';
import { describeStore, type StoreLocation } from './store-url';

export interface Stores {
  readonly eventStore: EventStore;
  /** Versions, checkpoints and leases of every projection. */
  readonly projectionStore: ProjectionStore;
  /** The daily-counts view's rows, written in projectionStore's commit transaction. */
  readonly dailyCountsStore: DailyCountsStore;
  readonly ingestStore: IngestStore;
  /** Migrations run on every open; this says what the open did. */
  readonly schema: SchemaStatus;
  /** The store URL with secrets masked. */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * Opens and migrates the stores at a location. `create: false` (commands that only read) refuses a
 * missing SQLite file with StoreNotFoundError instead of creating it; a missing PostgreSQL database
 * is refused either way, since nothing here creates databases.
 */
export async function openStores(location: StoreLocation, options: { create?: boolean } = {}): Promise<Stores> {
  const stores = location.kind === 'sqlite' ? openSqliteStores(location.path, options) : await openPostgresStores(location.url);
  return {
    eventStore: stores.eventStore,
    projectionStore: stores.projectionStore,
    dailyCountsStore: stores.dailyCountsStore,
    ingestStore: stores.ingestStore,
    schema: stores.schema,
    description: describeStore(location),
    close: () => stores.close(),
  };
}
