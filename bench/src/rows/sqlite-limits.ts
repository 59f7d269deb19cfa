import type { Database } from 'better-sqlite3';
import { openDatabase } from '@tthc/store-sqlite';
import { READ_PAGE_SIZE, READ_RUNS, rowOf, type BenchContext, type Suite } from '../context';
import type { BenchDataset, EventRow } from '../dataset';
import type { Step, Untimed } from '../measure';
import { checkpoint, withFreshSqliteFile } from '../sqlite';
import { forEachChunk } from './chunks';

/** Rows per transaction for the plain inserts. */
const INSERT_TRANSACTION_ROWS = 10_000;

/** Prepared INSERTs, 10,000 rows a transaction, chunk after chunk. */
async function insertRows(db: Database, dataset: BenchDataset, step: Step, untimed: Untimed): Promise<number> {
  const insert = db.prepare<[string, number, string, string, string, string]>(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  let inserted = 0;
  const insertRange = db.transaction((rows: readonly EventRow[], from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const r = rows[i];
      if (!r) break;
      inserted += insert.run(r.streamId, r.revision, r.eventId, r.type, r.data, r.metadata).changes;
    }
  });
  await forEachChunk(dataset, untimed, async ({ rows }) => {
    for (let start = 0; start < rows.length; start += INSERT_TRANSACTION_ROWS) {
      insertRange(rows, start, Math.min(start + INSERT_TRANSACTION_ROWS, rows.length));
      await step(inserted);
    }
  });
  return inserted;
}

interface PlainRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Keyset pages in position order, data and metadata parsed. */
function pageReader(db: Database) {
  const page = db.prepare<[number, number], PlainRow>(
    'SELECT position, stream_id, revision, event_id, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
  );
  return (after: number) =>
    page.all(after, READ_PAGE_SIZE).map((r) => ({
      position: r.position,
      streamId: r.stream_id,
      revision: r.revision,
      eventId: r.event_id,
      type: r.type,
      data: JSON.parse(r.data) as unknown,
      metadata: JSON.parse(r.metadata) as unknown,
    }));
}

/** The whole table in position order: keyset pages of 5,000 and JSON.parse of data and metadata. */
async function readRows(db: Database, step: Step): Promise<number> {
  const read = pageReader(db);
  let after = 0;
  let count = 0;
  for (;;) {
    const page = read(after);
    const last = page[page.length - 1];
    if (!last) return count;
    count += page.length;
    after = last.position;
    await step(count);
  }
}

/** `limit.sqlite-insert` then `limit.sqlite-read` of what it wrote, in a fresh file with our schema. */
export const sqliteLimits: Suite = {
  name: 'sqlite-limits',
  rows: ['limit.sqlite-insert', 'limit.sqlite-read'],
  async run(context: BenchContext) {
    const { dataset, runner, tempDir } = context;
    await withFreshSqliteFile(tempDir, 'limit', async (path) => {
      // Opened as our store opens its file: the same migrations make the table, so the layout (rowid
      // position, unique indexes) is the same, and the same pragmas (WAL, synchronous, checkpoint size) apply.
      const { db } = openDatabase(path);
      try {
        await runner.measure(rowOf(context, 'limit.sqlite-insert'), dataset.events, (step, untimed) => insertRows(db, dataset, step, untimed));
        checkpoint(path);
        await runner.measure(rowOf(context, 'limit.sqlite-read'), dataset.events, (step) => readRows(db, step), { runs: READ_RUNS });
      } finally {
        db.close();
      }
    });
  },
};
