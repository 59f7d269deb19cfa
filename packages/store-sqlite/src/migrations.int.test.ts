import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      expect(stores.schema.applied).toEqual([4, 5]);
      const [v1, ...others] = await stores.projectionStore.listVersions('daily-counts');
      expect(others).toEqual([]);
      expect(v1).toMatchObject({ version: 1, status: 'live', checkpoint: { position: { commit: 40n, prepare: 40n }, events: 40 } });
      await expect(stores.projectionStore.totals({ from: '2024-01-01', to: '2024-06-30' })).resolves.toEqual([{ agencyCode: 'A', metric: 'received', value: 3 }]);
      expect((await stores.projectionStore.dumpView({ projection: 'daily-counts', version: 1 })).dossiers.map((d) => d.dossierCode)).toEqual(['H36-1']);
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
});
