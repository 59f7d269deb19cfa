import { SqliteEventStore } from './sqlite-event-store';
import { SqliteProjectionStore } from './sqlite-projection-store';
import { openDatabase } from './open-database';

export interface SqliteStores {
  readonly eventStore: SqliteEventStore;
  readonly projectionStore: SqliteProjectionStore;
  close(): Promise<void>;
}

/** Both ports on one file, so a projection's view and checkpoint share the log's transactions. */
export function openSqliteStores(path: string): SqliteStores {
  const db = openDatabase(path);
  return {
    eventStore: new SqliteEventStore(db),
    projectionStore: new SqliteProjectionStore(db),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
