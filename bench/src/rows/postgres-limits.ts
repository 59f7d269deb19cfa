import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgresStores, POSTGRES_EVENT_COLUMNS, type PostgresEventRow } from '@tthc/store-postgres';
import { READ_PAGE_SIZE, READ_RUNS, rowOf, type BenchContext, type Suite } from '../context';
import { COPY_COLUMNS, copyLines } from '../copy-text';
import type { BenchDataset, EventRow } from '../dataset';
import type { Step, Untimed } from '../measure';
import { connect } from '../postgres';
import { forEachChunk } from './chunks';

/** Rows per piece of text written to the COPY stream. */
const COPY_PIECE_ROWS = 1000;

/** The table of the bare limit: the events table's columns, defaults and NOT NULLs, and only a primary key. */
export const BARE_TABLE = 'bare_events';

/**
 * `bare_events`: `LIKE events` copies the columns, their types, NOT NULLs, defaults and identity
 * (a sequence of its own) but no index or constraint; then the primary key on the identity
 * `position`. So the bare limit writes the same rows into the same columns, without our unique
 * indexes, and follows the layout's columns if they change.
 */
export const CREATE_BARE_TABLE = [
  `CREATE TABLE ${BARE_TABLE} (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)`,
  `ALTER TABLE ${BARE_TABLE} ADD PRIMARY KEY (position)`,
];

/** One `COPY … FROM STDIN` of a chunk's rows into `table`; building the COPY text is timed. */
async function copyRows(client: Client, table: string, rows: readonly EventRow[], done: number, step: Step): Promise<number> {
  const copy = client.query(copyFrom(`COPY ${table} (${COPY_COLUMNS.join(', ')}) FROM STDIN`));
  async function* pieces(): AsyncGenerator<string> {
    for (let start = 0; start < rows.length; start += COPY_PIECE_ROWS) {
      const end = Math.min(start + COPY_PIECE_ROWS, rows.length);
      yield copyLines(rows, start, end);
      await step(done + end);
    }
  }
  // The stream finishes when the server has acknowledged the COPY.
  await pipeline(Readable.from(pieces()), copy);
  return copy.rowCount;
}

/** Every chunk of the data set, each prepared with the clock stopped, then copied in its own COPY statement. */
async function copyDataset(client: Client, table: string, dataset: BenchDataset, step: Step, untimed: Untimed): Promise<number> {
  let copied = 0;
  await forEachChunk(dataset, untimed, async (chunk) => {
    copied += await copyRows(client, table, chunk.rows, copied, step);
  });
  return copied;
}

/** One keyset page in log order (the primary key: transaction id, then position); pg JSON.parses data and metadata. */
async function readPage(client: Client, after: { tx: string; position: string }): Promise<PostgresEventRow[]> {
  const { rows } = await client.query<PostgresEventRow>(
    `SELECT ${POSTGRES_EVENT_COLUMNS}
       FROM events
      WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
      ORDER BY transaction_id, position
      LIMIT $3`,
    [after.tx, after.position, READ_PAGE_SIZE],
  );
  return rows;
}

const START = { tx: '0', position: '0' };

/** The whole table in log order with plain queries: keyset pages of 5,000 and JSON.parse of data and metadata. */
async function readRows(client: Client, step: Step): Promise<number> {
  let after = START;
  let count = 0;
  for (;;) {
    const page = await readPage(client, after);
    const last = page[page.length - 1];
    if (!last) return count;
    count += page.length;
    after = last;
    await step(count);
  }
}

/**
 * In a fresh database with our schema: `limit.postgres-bare-copy` into a table with only a primary
 * key (dropped after), then `limit.postgres-copy` into our events table and `limit.postgres-read` of it.
 */
export const postgresLimits: Suite = {
  name: 'postgres-limits',
  rows: ['limit.postgres-bare-copy', 'limit.postgres-copy', 'limit.postgres-read'],
  async run(context: BenchContext) {
    const { dataset, runner, postgres } = context;
    const database = await postgres.createDatabase();
    try {
      // The store's own migrations make the table, so the layout (PK and unique indexes) is the same.
      await (await openPostgresStores(database.url)).close();
      const client = await connect(database.url);
      try {
        for (const statement of CREATE_BARE_TABLE) await client.query(statement);
        await postgres.checkpoint();
        await runner.measure(rowOf(context, 'limit.postgres-bare-copy'), dataset.events, (step, untimed) =>
          copyDataset(client, BARE_TABLE, dataset, step, untimed),
        );
        // Its space and its WAL are not the next row's to pay for.
        await client.query(`DROP TABLE ${BARE_TABLE}`);
        await postgres.checkpoint();
        await runner.measure(rowOf(context, 'limit.postgres-copy'), dataset.events, (step, untimed) => copyDataset(client, 'events', dataset, step, untimed));
        // As autovacuum would before a later reader: hint bits and visibility map set, statistics fresh.
        await client.query('VACUUM (ANALYZE) events');
        await runner.measure(rowOf(context, 'limit.postgres-read'), dataset.events, (step) => readRows(client, step), { runs: READ_RUNS });
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  },
};
