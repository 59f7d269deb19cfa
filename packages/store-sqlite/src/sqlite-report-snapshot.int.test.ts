import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openSqliteStores } from './open-sqlite-stores';

/**
 * Another connection committing to the live version, as another process's projection runner does:
 * each commit adds one received dossier, still open (with its open-dossier counters), and one event to the checkpoint. Plain SQL in a
 * worker thread (the adapter's TypeScript cannot load there), the same rows the adapter's commit writes.
 */
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const count = db.prepare(\`INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES (?, ?, '000.00.01.H36', ?, 1)
  ON CONFLICT (version, day, agency_code, metric) DO UPDATE SET value = value + 1\`);
const monthly = db.prepare(\`INSERT INTO view_monthly_counts (version, month, agency_code, metric, value) VALUES (?, ?, '000.00.01.H36', ?, 1)
  ON CONFLICT (version, month, agency_code, metric) DO UPDATE SET value = value + 1\`);
// A daily count and its month's rollup row, as the adapter's commit adds both.
const both = (version, day, metric) => {
  count.run(version, day, metric);
  monthly.run(version, day.slice(0, 7) + '-01', metric);
};
const dossier = db.prepare('INSERT INTO view_dossiers (version, dossier_code, state) VALUES (?, ?, ?)');
const advance = db.prepare('UPDATE projection_versions SET commit_pos = ?, prepare_pos = ?, events = events + 1 WHERE version = ?');
const commit = db.transaction((n) => {
  both(workerData.version, '2024-03-01', 'received');
  // The dossier's open-dossier counters: received on 2024-03-15, overdue from the day after 2024-03-22.
  both(workerData.version, '2024-03-15', 'open.received');
  both(workerData.version, '2024-03-23', 'open.due');
  dossier.run(workerData.version, 'H36-' + n, JSON.stringify({ agencyCode: '000.00.01.H36', status: 'in-progress', receivedDay: '2024-03-15', closedDay: null, dueDate: '2024-03-22' }));
  advance.run(n, n, workerData.version);
});
for (let n = 1; n <= workerData.commits; n += 1) commit.immediate(n);
db.close();
parentPort.postMessage('done');
`;

describe('SQLite: a report read while another connection commits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-sqlite-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sees one snapshot: its totals and open dossiers are those of its checkpoint, every time', async () => {
    const path = join(dir, 'report.sqlite');
    const stores = openSqliteStores(path);
    try {
      const live = await stores.projectionStore.ensureVersion('daily-counts', 'live');
      const commits = 3000;
      const worker = new Worker(WRITER, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path, version: live.version, commits } });
      const writer = { done: false };
      const finished = new Promise<void>((resolve, reject) => {
        worker.on('message', () => resolve());
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
      }).finally(() => (writer.done = true));
      const seen = new Set<number>();
      let reads = 0;
      while (!writer.done) {
        const snap = await stores.dailyCountsStore.readReportSnapshot({ from: '2024-01-01', to: '2024-06-30' });
        const events = snap.checkpoint?.events ?? 0;
        const received = snap.totals.reduce((sum, t) => sum + t.value, 0);
        const overdue = snap.open.reduce((sum, o) => sum + o.overdue, 0);
        expect({ received, overdue }).toEqual({ received: events, overdue: events });
        seen.add(events);
        reads += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await finished;
      // The reads overlapped the writer's commits, or the test proved nothing.
      expect(seen.size).toBeGreaterThan(2);
      const last = await stores.dailyCountsStore.readReportSnapshot({ from: '2024-01-01', to: '2024-06-30' });
      expect(last.checkpoint?.events).toBe(commits);
      expect(reads).toBeGreaterThan(2);
    } finally {
      await stores.close();
    }
  });
});
