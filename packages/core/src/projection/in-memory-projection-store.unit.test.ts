import { projectionStoreContract } from '@tthc/test-support';
import { InMemoryProjectionStore } from './in-memory-projection-store';

projectionStoreContract('in-memory', {
  open: () => {
    const store = new InMemoryProjectionStore();
    return Promise.resolve({ store, close: () => store.close() });
  },
});
