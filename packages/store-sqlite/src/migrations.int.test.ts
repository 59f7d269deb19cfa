import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openDossiersFromSums, sumOpenCounters, type ViewCountRow } from '@tthc/core';
import { openCountersOf, STATES_BEFORE_OPEN_COUNTERS } from '@tthc/test-support';
import { MIGRATIONS } from './migrations';
import { openSqliteStores } from './open-sqlite-stores';

describe('the versioned-views migration on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A store file as the schema before versioned views left it, with a projected view. */
  function storeBeforeVersions(path: string, projected: boolean): void {
    const db = new BetterSqlite3(path);
    for (const sql of MIGRATIONS.slice(0, 3)) db.exec(sql);
    db.pragma('user_version = 3');
    if (projected) {
      db.prepare("INSERT INTO projection_checkpoints VALUES ('daily-counts', 40, 40, 40, '2024-07-01T00:00:00.000Z')").run();
      db.prepare("INSERT INTO view_dossiers VALUES ('H36-1', '{\"dossierCode\":\"H36-1\",\"agencyCode\":\"A\",\"status\":\"in-progress\"}')").run();
      db.prepare("INSERT INTO view_daily_counts VALUES ('A', '2024-03-01', 'received', 3)").run();
    }
    db.close();
  }

  it('makes what was projected version 1 of daily-counts, live, with its checkpoint and rows', async () => {
    const path = join(dir, 'projected.sqlite');
    storeBeforeVersions(path, true);
    const stores = openSqliteStores(path);
    try {
      expect(stores.schema.applied).toEqual([4, 5, 6, 7, 8, 9]);
      const [v1, ...others] = await stores.projectionStore.listVersions('daily-counts');
      expect(others).toEqual([]);
      expect(v1).toMatchObject({ version: 1, status: 'live', checkpoint: { position: { commit: 40n, prepare: 40n }, events: 40 } });
      await expect(stores.dailyCountsStore.totals({ from: '2024-01-01', to: '2024-06-30' })).resolves.toEqual([{ agencyCode: 'A', metric: 'received', value: 3 }]);
      expect((await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 })).dossiers.map((d) => d.dossierCode)).toEqual(['H36-1']);
      // The next version takes the next number.
      await expect(stores.projectionStore.ensureVersion('daily-counts', 'building')).resolves.toMatchObject({ version: 2 });
    } finally {
      await stores.close();
    }
  });

  it('leaves a store that was never projected without versions', async () => {
    const path = join(dir, 'empty.sqlite');
    storeBeforeVersions(path, false);
    const stores = openSqliteStores(path);
    try {
      await expect(stores.projectionStore.listVersions('daily-counts')).resolves.toEqual([]);
      await expect(stores.projectionStore.readCheckpoint('daily-counts')).resolves.toBeUndefined();
    } finally {
      await stores.close();
    }
  });

  it("derives every version's open-dossier counters from its dossier states, as the projection would have written them", async () => {
    const path = join(dir, 'before-open-counters.sqlite');
    const db = new BetterSqlite3(path);
    for (const sql of MIGRATIONS.slice(0, 5)) db.exec(sql);
    db.pragma('user_version = 5');
    db.prepare(
      "INSERT INTO projection_versions (version, projection, status, started_at, updated_at) VALUES (1, 'daily-counts', 'live', 'x', 'x'), (2, 'daily-counts', 'building', 'x', 'x')",
    ).run();
    const insert = db.prepare('INSERT INTO view_dossiers (version, dossier_code, state) VALUES (?, ?, ?)');
    for (const s of STATES_BEFORE_OPEN_COUNTERS) insert.run(1, s.dossierCode, JSON.stringify(s));
    const first = STATES_BEFORE_OPEN_COUNTERS[0];
    insert.run(2, first?.dossierCode, JSON.stringify(first));
    insert.run(1, 'H36-X', '{"status":"in-progress"}');
    db.prepare("INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES (1, '2024-03-20', 'A', 'received', 1)").run();
    db.close();
    const stores = openSqliteStores(path);
    try {
      expect(stores.schema.applied).toEqual([6, 7, 8, 9]);
      const byKey = (rows: readonly ViewCountRow[]) => [...rows].sort((a, b) => (`${a.day}|${a.agencyCode}|${a.metric}` < `${b.day}|${b.agencyCode}|${b.metric}` ? -1 : 1));
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
  });

  it("fills the monthly rollup from every version's daily rows, so that reports over any range keep their figures", async () => {
    const path = join(dir, 'before-monthly.sqlite');
    const db = new BetterSqlite3(path);
    for (const sql of MIGRATIONS.slice(0, 8)) db.exec(sql);
    db.pragma('user_version = 8');
    db.prepare(
      "INSERT INTO projection_versions (version, projection, status, started_at, updated_at) VALUES (1, 'daily-counts', 'live', 'x', 'x'), (2, 'daily-counts', 'building', 'x', 'x')",
    ).run();
    const insert = db.prepare('INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES (?, ?, ?, ?, ?)');
    const rows = [
      [1, '2023-12-31', 'A', 'received', 2],
      [1, '2024-01-01', 'A', 'received', 3],
      [1, '2024-01-31', 'A', 'received', -1],
      [1, '2024-02-15', 'B', 'received', 4],
      [1, '2024-01-10', 'A', 'open.received', 2],
      [1, '2024-02-20', 'A', 'open.closed', 1],
      [2, '2024-01-05', 'A', 'received', 7],
    ] as const;
    for (const r of rows) insert.run(...r);
    db.close();
    const stores = openSqliteStores(path);
    try {
      expect(stores.schema.applied).toEqual([9]);
      const check = new BetterSqlite3(path, { readonly: true });
      expect(check.prepare('SELECT version, month, agency_code, metric, value FROM view_monthly_counts ORDER BY version, month, agency_code, metric').raw().all()).toEqual([
        [1, '2023-12-01', 'A', 'received', 2],
        [1, '2024-01-01', 'A', 'open.received', 2],
        [1, '2024-01-01', 'A', 'received', 2],
        [1, '2024-02-01', 'A', 'open.closed', 1],
        [1, '2024-02-01', 'B', 'received', 4],
        [2, '2024-01-01', 'A', 'received', 7],
      ]);
      check.close();
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
  });
});

describe('a new store file opened by several processes at the same moment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-open-race-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Run from the build (pnpm test builds first): each process opens the store as the CLI does.
  const entry = join(__dirname, '..', 'dist', 'index.js');

  /** Starts `count` processes that each open `path` at `at` (ms since the epoch) and print the migrations they applied. */
  function openAt(path: string, at: number): Promise<{ code: number | null; out: string; err: string }> {
    const script = `const { openSqliteStores } = require(${JSON.stringify(entry)});
      while (Date.now() < ${at});
      const stores = openSqliteStores(${JSON.stringify(path)});
      process.stdout.write(JSON.stringify(stores.schema.applied));
      stores.close();`;
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  }

  it('is migrated once, and every process opens it (ingest and a projector started together)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const path = join(dir, `race-${round}.sqlite`);
      const at = Date.now() + 1500;
      const runs = await Promise.all([0, 1, 2, 3].map(() => openAt(path, at)));
      expect(runs.map((r) => [r.code, r.err])).toEqual(runs.map(() => [0, '']));
      // One process applied every migration; the others found the store at the latest version.
      const applied = runs.map((r) => JSON.parse(r.out) as number[]).sort((a, b) => b.length - a.length);
      expect(applied).toEqual([MIGRATIONS.map((_, i) => i + 1), [], [], []]);
    }
  }, 60_000);
});
