import { Client } from 'pg';
import { createTestDatabase } from '@tthc/test-support';
import { MIGRATIONS } from './migrations';
import { openPostgresStores } from './open-postgres-stores';

describe('the versioned-views migration on PostgreSQL', () => {
  it('makes what was projected version 1 of daily-counts, live, with its checkpoint and rows', async () => {
    const db = await createTestDatabase();
    try {
      // The schema before versioned views, with a projected view.
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const m of MIGRATIONS.filter((x) => x.version <= 3)) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await client.query("INSERT INTO projection_checkpoints VALUES ('daily-counts', '57'::xid8, 9, 40, now())");
        await client.query(`INSERT INTO view_dossiers VALUES ('H36-1', '{"dossierCode":"H36-1","agencyCode":"A","status":"in-progress"}')`);
        await client.query("INSERT INTO view_daily_counts VALUES ('A', '2024-03-01', 'received', 3)");
      } finally {
        await client.end();
      }
      const stores = await openPostgresStores(db.url);
      try {
        expect(stores.schema.applied).toEqual([4, 5]);
        const versions = await stores.projectionStore.listVersions('daily-counts');
        expect(versions).toHaveLength(1);
        expect(versions[0]).toMatchObject({ version: 1, status: 'live', checkpoint: { position: { commit: 57n, prepare: 9n }, events: 40 } });
        await expect(stores.projectionStore.totals({ from: '2024-01-01', to: '2024-06-30' })).resolves.toEqual([{ agencyCode: 'A', metric: 'received', value: 3 }]);
        expect((await stores.projectionStore.dumpView({ projection: 'daily-counts', version: 1 })).dossiers.map((d) => d.dossierCode)).toEqual(['H36-1']);
        await expect(stores.projectionStore.ensureVersion('daily-counts', 'building')).resolves.toMatchObject({ version: 2 });
      } finally {
        await stores.close();
      }
    } finally {
      await db.drop();
    }
  });
});
