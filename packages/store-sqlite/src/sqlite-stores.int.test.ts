import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dailyCountsStoreContract, eventStoreContract, ingestStoreContract, projectionStoreContract } from '@tthc/test-support';
import { openSqliteStores } from './open-sqlite-stores';

const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-'));
let n = 0;
const fresh = () => openSqliteStores(join(dir, `store-${(n += 1)}.sqlite`));
const dispose = () => {
  rmSync(dir, { recursive: true, force: true });
  return Promise.resolve();
};

eventStoreContract('sqlite', {
  open: () => {
    const stores = fresh();
    return Promise.resolve({ store: stores.eventStore, close: () => stores.close() });
  },
  dispose,
});

projectionStoreContract('sqlite', {
  open: () => {
    const stores = fresh();
    return Promise.resolve({ store: stores.projectionStore, close: () => stores.close() });
  },
  dispose,
});

dailyCountsStoreContract('sqlite', {
  open: () => {
    const stores = fresh();
    return Promise.resolve({ store: stores, close: () => stores.close() });
  },
  dispose,
});

ingestStoreContract('sqlite', {
  open: () => {
    const stores = fresh();
    return Promise.resolve({ store: stores.ingestStore, close: () => stores.close() });
  },
  dispose,
});
