import { dailyCountsStoreContract, projectionStoreContract } from '@tthc/test-support';
import { InMemoryProjectionStore } from './in-memory-projection-store';
import { inMemoryProjectionStores } from './in-memory-daily-counts-store';

projectionStoreContract('in-memory', {
  open: () => {
    const store = new InMemoryProjectionStore();
    return Promise.resolve({ store, close: () => store.close() });
  },
});

dailyCountsStoreContract('in-memory', {
  open: () => {
    const store = inMemoryProjectionStores();
    return Promise.resolve({ store, close: () => store.projectionStore.close() });
  },
});
