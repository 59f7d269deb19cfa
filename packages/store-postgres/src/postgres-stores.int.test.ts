import { createTestDatabase, eventStoreContract, projectionStoreContract } from '@tthc/test-support';
import { openPostgresStores } from './open-postgres-stores';

async function fresh() {
  const db = await createTestDatabase();
  const stores = await openPostgresStores(db.url);
  return { stores, close: async () => { await stores.close(); await db.drop(); } };
}

eventStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores.eventStore, close };
  },
});

projectionStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores.projectionStore, close };
  },
});
