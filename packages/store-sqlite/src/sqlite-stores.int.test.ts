import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailyCountsStoreContract, eventStoreContract, ingestStoreContract, projectionStoreContract } from '@tthc/test-support';
import { openSqliteStores, type SqliteStores } from './open-sqlite-stores';

const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-'));
let n = 0;
const fresh = () => openSqliteStores(join(dir, `store-${(n += 1)}.sqlite`));
const dispose = () => {
  rmSync(dir, { recursive: true, force: true });
  return Promise.resolve();
};

/** A harness that opens a fresh file per test and hands it the part of the stores its suite checks. */
const harness = <T>(part: (stores: SqliteStores) => T) => ({
  open: () => {
    const stores = fresh();
    return Promise.resolve({ store: part(stores), close: () => stores.close() });
  },
  dispose,
});

eventStoreContract(
  'sqlite',
  harness((s) => s.eventStore),
);
projectionStoreContract(
  'sqlite',
  harness((s) => s.projectionStore),
);
dailyCountsStoreContract(
  'sqlite',
  harness((s) => s),
);
ingestStoreContract(
  'sqlite',
  harness((s) => s.ingestStore),
);
