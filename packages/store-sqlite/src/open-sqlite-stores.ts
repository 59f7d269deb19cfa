import type { SchemaStatus } from '@tthc/core';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteDailyCountsStore } from './sqlite-daily-counts-store';
import { SqliteIngestStore } from './sqlite-ingest-store';
import { SqliteProjectionStore } from './sqlite-projection-store';
import { openDatabase } from './open-database';

export interface SqliteStores {
  readonly eventStore: SqliteEventStore;
  readonly projectionStore: SqliteProjectionStore;
  readonly dailyCountsStore: SqliteDailyCountsStore;
  readonly ingestStore: SqliteIngestStore;
  readonly schema: SchemaStatus;
  close(): Promise<void>;
}

/** Every port on one file, so a projection's view rows and checkpoint share one transaction. `create: false` refuses a missing file. */
export function openSqliteStores(path: string, options: { create?: boolean } = {}): SqliteStores {
  const { db, schema } = openDatabase(path, options);
  const projectionStore = new SqliteProjectionStore(db);
  return {
    schema,
    eventStore: new SqliteEventStore(db),
    projectionStore,
    dailyCountsStore: new SqliteDailyCountsStore(db, projectionStore),
    ingestStore: new SqliteIngestStore(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
