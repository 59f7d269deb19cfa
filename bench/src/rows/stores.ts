import { START_OF_LOG, type EventStore, type LogPosition } from '@tthc/core';
import { sleep } from '@tthc/retry';
import { openPostgresStores } from '@tthc/store-postgres';
import { openSqliteStores } from '@tthc/store-sqlite';
import { READ_PAGE_SIZE, READ_RUNS, rowOf, type BenchContext, type Suite } from '../context';
import type { BenchDataset } from '../dataset';
import type { Step, Untimed } from '../measure';
import { checkpoint, withFreshSqliteFile } from '../sqlite';
import { forEachChunk } from './chunks';

/** How long a whole-log read waits for the log to show everything before it gives up. */
const READ_WAIT_MS = 30_000;

/** `appendToStreams` once per batch, one batch in flight, as the ingest service appends. */
async function appendBatches(store: EventStore, dataset: BenchDataset, step: Step, untimed: Untimed): Promise<number> {
  let appended = 0;
  await forEachChunk(dataset, untimed, async ({ batches }) => {
    for (const batch of batches) {
      const outcome = await store.appendToStreams(batch);
      if (outcome.duplicates > 0) throw new Error(`a fresh store reported ${outcome.duplicates} duplicates`);
      appended += outcome.appended;
      await step(appended);
    }
  });
  return appended;
}

/**
 * `readAll` from the start to the end of the log, pages of 5,000. PostgreSQL shows no event above
 * the oldest running transaction of the whole server, so an empty page before `expected` waits and
 * retries for a while rather than ending the read short.
 */
async function readWholeLog(store: EventStore, expected: number, step: Step): Promise<number> {
  let after: LogPosition = START_OF_LOG;
  let count = 0;
  let waitingSince: number | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: READ_PAGE_SIZE });
    const last = page[page.length - 1];
    if (!last) {
      if (count >= expected) return count;
      waitingSince ??= Date.now();
      if (Date.now() - waitingSince > READ_WAIT_MS) return count;
      await sleep(10);
      continue;
    }
    waitingSince = undefined;
    count += page.length;
    after = last.position;
    await step(count);
  }
}

/** `store.postgres-append` into a fresh database through our adapter, then `store.postgres-read` of it. */
export const postgresStore: Suite = {
  name: 'postgres-store',
  rows: ['store.postgres-append', 'store.postgres-read'],
  async run(context: BenchContext) {
    const { dataset, runner, postgres } = context;
    const database = await postgres.createDatabase();
    try {
      const stores = await openPostgresStores(database.url);
      // A checked-out pool client has no 'error' listener in pg, and the adapter adds none, so dropping
      // the database on Ctrl-C would crash the process instead of failing the query in hand.
      const guarded = new WeakSet<object>();
      stores.pool.on('acquire', (client) => {
        if (guarded.has(client)) return;
        guarded.add(client);
        client.on('error', () => undefined);
      });
      try {
        await postgres.checkpoint();
        await runner.measure(rowOf(context, 'store.postgres-append'), dataset.events, (step, untimed) =>
          appendBatches(stores.eventStore, dataset, step, untimed),
        );
        // As for the limit: the reader finds a vacuumed, analysed table.
        await stores.pool.query('VACUUM (ANALYZE) events');
        await runner.measure(rowOf(context, 'store.postgres-read'), dataset.events, (step) => readWholeLog(stores.eventStore, dataset.events, step), {
          runs: READ_RUNS,
        });
      } finally {
        await stores.close();
      }
    } finally {
      await database.drop();
    }
  },
};

/** `store.sqlite-append` into a fresh file through our adapter, then `store.sqlite-read` of it. */
export const sqliteStore: Suite = {
  name: 'sqlite-store',
  rows: ['store.sqlite-append', 'store.sqlite-read'],
  async run(context: BenchContext) {
    const { dataset, runner, tempDir } = context;
    await withFreshSqliteFile(tempDir, 'store', async (path) => {
      const stores = openSqliteStores(path);
      try {
        await runner.measure(rowOf(context, 'store.sqlite-append'), dataset.events, (step, untimed) =>
          appendBatches(stores.eventStore, dataset, step, untimed),
        );
        checkpoint(path);
        await runner.measure(rowOf(context, 'store.sqlite-read'), dataset.events, (step) => readWholeLog(stores.eventStore, dataset.events, step), {
          runs: READ_RUNS,
        });
      } finally {
        await stores.close();
      }
    });
  },
};
