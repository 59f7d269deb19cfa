import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAILY_COUNTS_PROJECTION } from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { sleep } from '@tthc/retry';
import { openPostgresStores } from '@tthc/store-postgres';
import { openSqliteStores } from '@tthc/store-sqlite';
import { appendDataset, createTestDatabase, generateDemoDataset, liveView, projectionRunnerSuite, referenceView } from '@tthc/test-support';
import { runProjection } from './run-projection';

const dir = mkdtempSync(join(tmpdir(), 'tthc-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

projectionRunnerSuite('sqlite', {
  fresh: () => {
    const path = join(dir, `store-${(n += 1)}.sqlite`);
    return Promise.resolve({
      connect: () => {
        const stores = openSqliteStores(path);
        return Promise.resolve({
          eventStore: stores.eventStore,
          projectionStore: stores.projectionStore,
          dailyCountsStore: stores.dailyCountsStore,
          close: () => stores.close(),
        });
      },
      drop: () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
        return Promise.resolve();
      },
    });
  },
});

projectionRunnerSuite('postgres', {
  fresh: async () => {
    const db = await createTestDatabase();
    return {
      connect: async () => {
        const stores = await openPostgresStores(db.url, { poolSize: 4 });
        return {
          eventStore: stores.eventStore,
          projectionStore: stores.projectionStore,
          dailyCountsStore: stores.dailyCountsStore,
          close: () => stores.close(),
        };
      },
      drop: () => db.drop(),
    };
  },
});

describe('a runner on PostgreSQL whose connections the server ends', () => {
  it('backs off while the store is unavailable and resumes from its checkpoint: nothing lost, nothing counted twice', async () => {
    const db = await createTestDatabase();
    const stores = await openPostgresStores(db.url, { poolSize: 4 });
    const admin = await openPostgresStores(db.url, { poolSize: 1 });
    try {
      const { events } = generateDemoDataset({ seed: 8, dossiers: 1500, period: { from: '2024-01-01', to: '2024-06-30' } });
      await appendDataset(stores.eventStore, events);
      const stop = new AbortController();
      const warnings: string[] = [];
      const logger = createLogger({ level: 'warn', destination: { write: (line: string) => warnings.push((JSON.parse(line) as { msg: string }).msg) } });
      const runner = runProjection(stores.eventStore, stores, {
        logger,
        signal: stop.signal,
        batchSize: 100,
        pollIntervalMs: 20,
        retry: { initialDelayMs: 20, maxDelayMs: 200 },
      });
      // End the runner's connections again and again while it works through the log.
      for (let i = 0; i < 6; i += 1) {
        await sleep(60);
        await admin.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      }
      const deadline = Date.now() + 60_000;
      while (((await admin.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION))?.events ?? 0) < events.length && Date.now() < deadline) await sleep(50);
      stop.abort();
      await runner;
      expect(warnings.some((w) => /store unavailable/.test(w))).toBe(true);
      await expect(admin.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION)).resolves.toMatchObject({ events: events.length });
      expect(await liveView(admin)).toEqual(await referenceView(admin.eventStore));
    } finally {
      await stores.close();
      await admin.close();
      await db.drop();
    }
  });
});
