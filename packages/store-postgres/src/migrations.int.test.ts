import { Client } from 'pg';
import { openDossiersFromSums, sumOpenCounters, type ViewCountRow } from '@tthc/core';
import { createTestDatabase, openCountersOf, STATES_BEFORE_OPEN_COUNTERS } from '@tthc/test-support';
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
        expect(stores.schema.applied).toEqual([4, 5, 6, 7, 8, 9]);
        const versions = await stores.projectionStore.listVersions('daily-counts');
        expect(versions).toHaveLength(1);
        expect(versions[0]).toMatchObject({ version: 1, status: 'live', checkpoint: { position: { commit: 57n, prepare: 9n }, events: 40 } });
        await expect(stores.dailyCountsStore.totals({ from: '2024-01-01', to: '2024-06-30' })).resolves.toEqual([{ agencyCode: 'A', metric: 'received', value: 3 }]);
        expect((await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 })).dossiers.map((d) => d.dossierCode)).toEqual(['H36-1']);
        await expect(stores.projectionStore.ensureVersion('daily-counts', 'building')).resolves.toMatchObject({ version: 2 });
      } finally {
        await stores.close();
      }
    } finally {
      await db.drop();
    }
  });
});

const byKey = (rows: readonly ViewCountRow[]) => [...rows].sort((a, b) => (`${a.day}|${a.agencyCode}|${a.metric}` < `${b.day}|${b.agencyCode}|${b.metric}` ? -1 : 1));

describe('the open-dossier counters migration on PostgreSQL', () => {
  it("derives every version's counters from its dossier states, as the projection would have written them", async () => {
    const db = await createTestDatabase();
    try {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const m of MIGRATIONS.filter((x) => x.version <= 5)) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await client.query("INSERT INTO projection_versions (version, projection, status) VALUES (1, 'daily-counts', 'live'), (2, 'daily-counts', 'building')");
        const states = STATES_BEFORE_OPEN_COUNTERS;
        await client.query('INSERT INTO view_dossiers (version, dossier_code, state) SELECT 1, * FROM unnest($1::text[], $2::jsonb[])', [
          states.map((s) => s.dossierCode),
          states.map((s) => JSON.stringify(s)),
        ]);
        await client.query("INSERT INTO view_dossiers (version, dossier_code, state) VALUES (2, $1, $2), (1, 'H36-X', '{\"status\":\"in-progress\"}')", [
          states[0]?.dossierCode,
          JSON.stringify(states[0]),
        ]);
        await client.query("INSERT INTO view_daily_counts (version, agency_code, day, metric, value) VALUES (1, 'A', '2024-03-20', 'received', 1)");
      } finally {
        await client.end();
      }
      const stores = await openPostgresStores(db.url);
      try {
        expect(stores.schema.applied).toEqual([6, 7, 8, 9]);
        const expected = openCountersOf(STATES_BEFORE_OPEN_COUNTERS);
        const live = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 });
        expect(byKey(live.counts)).toEqual(byKey([...expected, { agencyCode: 'A', day: '2024-03-20', metric: 'received', value: 1 }]));
        const building = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 2 });
        expect(byKey(building.counts)).toEqual(byKey(openCountersOf(STATES_BEFORE_OPEN_COUNTERS.slice(0, 1))));
        for (const range of [{ from: '2024-04-01', to: '2024-04-30' }, { from: '2024-02-29', to: '2024-04-19' }]) {
          await expect(stores.dailyCountsStore.openDossiers(range)).resolves.toEqual(openDossiersFromSums(sumOpenCounters(expected, range)));
        }
        await expect(stores.dailyCountsStore.openDossiers({ from: '2024-04-01', to: '2024-04-30' })).resolves.toEqual([
          { agencyCode: 'A', carriedOver: 2, notDue: 2, overdue: 1 },
          { agencyCode: 'B', carriedOver: 0, notDue: 0, overdue: 0 },
        ]);
      } finally {
        await stores.close();
      }
    } finally {
      await db.drop();
    }
  });

  it("fills the monthly rollup from every version's daily rows, so that reports over any range keep their figures", async () => {
    const db = await createTestDatabase();
    try {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query('CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
        for (const m of MIGRATIONS.filter((x) => x.version <= 8)) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        }
        await client.query("INSERT INTO projection_versions (version, projection, status) VALUES (1, 'daily-counts', 'live'), (2, 'daily-counts', 'building')");
        await client.query(
          `INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES
             (1, '2023-12-31', 'A', 'received', 2), (1, '2024-01-01', 'A', 'received', 3), (1, '2024-01-31', 'A', 'received', -1),
             (1, '2024-02-15', 'B', 'received', 4), (1, '2024-01-10', 'A', 'open.received', 2), (1, '2024-02-20', 'A', 'open.closed', 1),
             (2, '2024-01-05', 'A', 'received', 7)`,
        );
      } finally {
        await client.end();
      }
      const stores = await openPostgresStores(db.url);
      try {
        expect(stores.schema.applied).toEqual([9]);
        const { rows } = await stores.pool.query(
          "SELECT version, to_char(month, 'YYYY-MM-DD') AS month, agency_code, metric, value::int AS value FROM view_monthly_counts ORDER BY 1, 2, 3, 4",
        );
        expect(rows).toEqual([
          { version: 1, month: '2023-12-01', agency_code: 'A', metric: 'received', value: 2 },
          { version: 1, month: '2024-01-01', agency_code: 'A', metric: 'open.received', value: 2 },
          { version: 1, month: '2024-01-01', agency_code: 'A', metric: 'received', value: 2 },
          { version: 1, month: '2024-02-01', agency_code: 'A', metric: 'open.closed', value: 1 },
          { version: 1, month: '2024-02-01', agency_code: 'B', metric: 'received', value: 4 },
          { version: 2, month: '2024-01-01', agency_code: 'A', metric: 'received', value: 7 },
        ]);
        const { counts } = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 });
        for (const range of [{ from: '2024-01-01', to: '2024-02-29' }, { from: '2023-12-31', to: '2024-01-31' }, { from: '2024-01-15', to: '2024-03-01' }]) {
          const snapshot = await stores.dailyCountsStore.readReportSnapshot(range);
          const received = counts.filter((c) => c.agencyCode === 'A' && c.metric === 'received' && c.day >= range.from && c.day <= range.to).reduce((n, c) => n + c.value, 0);
          expect(snapshot.totals.find((t) => t.agencyCode === 'A')?.value).toBe(received);
          expect(snapshot.open).toEqual(openDossiersFromSums(sumOpenCounters(counts, range)));
        }
      } finally {
        await stores.close();
      }
    } finally {
      await db.drop();
    }
  });
});
