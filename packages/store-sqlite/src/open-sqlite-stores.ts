import type { SchemaStatus } from '@tthc/core';
import { SqliteEventStore } from './sqlite-event-store';
import { SqliteIngestStore } from './sqlite-ingest-store';
import { SqliteProjectionStore } from './sqlite-projection-store';
import { openDatabase } from './open-database';

export interface SqliteStores {
  readonly eventStore: SqliteEventStore;
  readonly projectionStore: SqliteProjectionStore;
  readonly ingestStore: SqliteIngestStore;
  readonly schema: SchemaStatus;
  close(): Promise<void>;
}

/** Both ports on one file, so a projection's view and checkpoint share the log's transactions. */
export function openSqliteStores(path: string): SqliteStores {
  const { db, schema } = openDatabase(path);
  return {
    schema,
    eventStore: new SqliteEventStore(db),
    projectionStore: new SqliteProjectionStore(db),
    ingestStore: new SqliteIngestStore(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
