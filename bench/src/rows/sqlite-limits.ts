import type { Database } from 'better-sqlite3';
import { openDatabase, SQLITE_EVENT_COLUMNS, type SqliteEventRow } from '@tthc/store-sqlite';
import { READ_PAGE_SIZE, READ_RUNS, rowOf, type BenchContext, type Suite } from '../context';
import type { BenchDataset, EventRow } from '../dataset';
import type { Step, Untimed } from '../measure';
import { checkpoint, withFreshSqliteFile } from '../sqlite';
import { forEachChunk } from './chunks';

/** Rows per transaction for the plain inserts. */
const INSERT_TRANSACTION_ROWS = 10_000;

/** The table of the bare limit: the events table's columns, and only its rowid as key. */
export const BARE_TABLE = 'bare_events';

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/**
 * `CREATE TABLE bare_events` with the events table's columns, types, NOT NULLs and defaults (read
 * from `table_info`, so it follows the layout), its key column a plain `INTEGER PRIMARY KEY` (the
 * rowid: no AUTOINCREMENT) and no other index or UNIQUE constraint.
 */
export function bareTableSql(columns: readonly ColumnInfo[]): string {
  const defs = columns.map((c) =>
    c.pk > 0
      ? `${c.name} INTEGER PRIMARY KEY`
      : `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value === null ? '' : ` DEFAULT (${c.dflt_value})`}`,
  );
  return `CREATE TABLE ${BARE_TABLE} (${defs.join(', ')})`;
}

/** The columns the plain inserts write (all but natural_key); checked against the store's row, so a renamed column fails to compile. */
const INSERT_COLUMNS = ['stream_id', 'revision', 'event_id', 'type', 'data', 'metadata'] as const satisfies readonly (keyof SqliteEventRow)[];

/** Prepared INSERTs into `table`, 10,000 rows a transaction, chunk after chunk. */
async function insertRows(db: Database, table: string, dataset: BenchDataset, step: Step, untimed: Untimed): Promise<number> {
  const insert = db.prepare<[string, number, string, string, string, string]>(`INSERT INTO ${table} (${INSERT_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?)`);
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

/** Keyset pages in position order, data and metadata parsed. */
function pageReader(db: Database) {
  const page = db.prepare<[number, number], SqliteEventRow>(`SELECT ${SQLITE_EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
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

/** `limit.sqlite-bare-insert` into a fresh file (opened as our store opens it) holding `bare_events`. */
async function bareInsert(context: BenchContext): Promise<void> {
  const { dataset, runner, tempDir } = context;
  await withFreshSqliteFile(tempDir, 'bare', async (path) => {
    // Our migrations and pragmas, as for the layout limit; the bare table beside the (empty) events table.
    const { db } = openDatabase(path);
    try {
      db.exec(bareTableSql(db.pragma('table_info(events)') as ColumnInfo[]));
      await runner.measure(rowOf(context, 'limit.sqlite-bare-insert'), dataset.events, (step, untimed) => insertRows(db, BARE_TABLE, dataset, step, untimed));
    } finally {
      db.close();
    }
  });
}

/**
 * `limit.sqlite-bare-insert` into a table with only a rowid key, in a file of its own (removed after);
 * then `limit.sqlite-insert` into our events table and `limit.sqlite-read` of it, in a fresh file with our schema.
 */
export const sqliteLimits: Suite = {
  name: 'sqlite-limits',
  rows: ['limit.sqlite-bare-insert', 'limit.sqlite-insert', 'limit.sqlite-read'],
  async run(context: BenchContext) {
    const { dataset, runner, tempDir } = context;
    await bareInsert(context);
    await withFreshSqliteFile(tempDir, 'limit', async (path) => {
      // Opened as our store opens its file: the same migrations make the table, so the layout (rowid
      // position, unique indexes) is the same, and the same pragmas (WAL, synchronous, checkpoint size) apply.
      const { db } = openDatabase(path);
      try {
        await runner.measure(rowOf(context, 'limit.sqlite-insert'), dataset.events, (step, untimed) => insertRows(db, 'events', dataset, step, untimed));
        checkpoint(path);
        await runner.measure(rowOf(context, 'limit.sqlite-read'), dataset.events, (step) => readRows(db, step), { runs: READ_RUNS });
      } finally {
        db.close();
      }
    });
  },
};
