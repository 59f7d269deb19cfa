import { ingestStoreContract } from '@tthc/test-support';
import { InMemoryIngestStore } from './in-memory-ingest-store';

ingestStoreContract('in-memory', {
  open: () => Promise.resolve({ store: new InMemoryIngestStore(), close: () => Promise.resolve() }),
});
