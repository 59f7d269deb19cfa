import { eventStoreContract } from '@tthc/test-support';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('in-memory', {
  open: () => {
    const store = new InMemoryEventStore();
    return Promise.resolve({ store, close: () => store.close() });
  },
});
