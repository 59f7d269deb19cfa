import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { migrationsSuite, type OlderContents } from '@tthc/test-support';
import { MIGRATIONS } from './migrations';
import { openSqliteStores } from './open-sqlite-stores';

/** Writes `contents` in the tables of the schema at hand, as that release's code would have. */
function fill(db: Database, contents: OlderContents): void {
  if (contents.projectedView) {
    db.prepare("INSERT INTO projection_checkpoints VALUES ('daily-counts', 40, 40, 40, '2024-07-01T00:00:00.000Z')").run();
    db.prepare('INSERT INTO view_dossiers VALUES (\'H36-1\', \'{"dossierCode":"H36-1","agencyCode":"A","status":"in-progress"}\')').run();
    db.prepare("INSERT INTO view_daily_counts VALUES ('A', '2024-03-01', 'received', 3)").run();
  }
  if (contents.versions) {
    db.prepare(
      "INSERT INTO projection_versions (version, projection, status, started_at, updated_at) VALUES (1, 'daily-counts', 'live', 'x', 'x'), (2, 'daily-counts', 'building', 'x', 'x')",
    ).run();
  }
  // Prepared only when used: before schema 4 these tables have no version column.
  if (contents.dossierStates) {
    const insert = db.prepare('INSERT INTO view_dossiers (version, dossier_code, state) VALUES (?, ?, ?)');
    for (const row of contents.dossierStates) insert.run(...row);
  }
  if (contents.dailyCounts) {
    const insert = db.prepare('INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES (?, ?, ?, ?, ?)');
    for (const row of contents.dailyCounts) insert.run(...row);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-migrate-'));
let files = 0;

migrationsSuite('sqlite', {
  projectedAt: { commit: 40n, prepare: 40n },
  openAfter(version, contents) {
    const path = join(dir, `before-${(files += 1)}.sqlite`);
    const db = new BetterSqlite3(path);
    for (const sql of MIGRATIONS.slice(0, version)) db.exec(sql);
    db.pragma(`user_version = ${version}`);
    fill(db, contents);
    db.close();
    const stores = openSqliteStores(path);
    return Promise.resolve({
      schema: stores.schema,
      projectionStore: stores.projectionStore,
      dailyCountsStore: stores.dailyCountsStore,
      monthlyCounts() {
        const check = new BetterSqlite3(path, { readonly: true });
        try {
          return Promise.resolve(
            check
              .prepare('SELECT version, month, agency_code, metric, value FROM view_monthly_counts ORDER BY version, month, agency_code, metric')
              .raw()
              .all() as unknown[][],
          );
        } finally {
          check.close();
        }
      },
      close: () => stores.close(),
    });
  },
  dispose() {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  },
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
