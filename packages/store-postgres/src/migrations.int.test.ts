import { Client } from 'pg';
import { createTestDatabase, migrationsSuite, type OlderContents } from '@tthc/test-support';
import { MIGRATIONS } from './migrations';
import { openPostgresStores } from './open-postgres-stores';

/** Writes `contents` in the tables of the schema at hand, as that release's code would have. */
async function fill(client: Client, contents: OlderContents): Promise<void> {
  if (contents.projectedView) {
    await client.query("INSERT INTO projection_checkpoints VALUES ('daily-counts', '57'::xid8, 9, 40, now())");
    await client.query(`INSERT INTO view_dossiers VALUES ('H36-1', '{"dossierCode":"H36-1","agencyCode":"A","status":"in-progress"}')`);
    await client.query("INSERT INTO view_daily_counts VALUES ('A', '2024-03-01', 'received', 3)");
  }
  if (contents.versions) {
    await client.query("INSERT INTO projection_versions (version, projection, status) VALUES (1, 'daily-counts', 'live'), (2, 'daily-counts', 'building')");
  }
  for (const row of contents.dossierStates ?? []) await client.query('INSERT INTO view_dossiers (version, dossier_code, state) VALUES ($1, $2, $3)', [...row]);
  for (const row of contents.dailyCounts ?? []) {
    await client.query('INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES ($1, $2, $3, $4, $5)', [...row]);
  }
}

migrationsSuite('postgres', {
  projectedAt: { commit: 57n, prepare: 9n },
  async openAfter(version, contents) {
    const db = await createTestDatabase();
    try {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await fill(client, contents);
      } finally {
        await client.end();
      }
      const stores = await openPostgresStores(db.url);
      return {
        schema: stores.schema,
        projectionStore: stores.projectionStore,
        dailyCountsStore: stores.dailyCountsStore,
        async monthlyCounts() {
          const { rows } = await stores.pool.query<unknown[]>({
            text: "SELECT version, to_char(month, 'YYYY-MM-DD') AS month, agency_code, metric, value::int AS value FROM view_monthly_counts ORDER BY 1, 2, 3, 4",
            rowMode: 'array',
          });
          return rows;
        },
        async close() {
          try {
            await stores.close();
          } finally {
            await db.drop();
          }
        },
      };
    } catch (error) {
      await db.drop();
      throw error;
    }
  },
});
