import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import type { Event } from '@event-driven-io/emmett';
import { Pool, types } from 'pg';
import type { NewEvent } from '@tthc/core';
import { rowOf, type BenchContext, type Suite } from '../context';
import type { BenchDataset } from '../dataset';
import type { Step, Untimed } from '../measure';
import { connect } from '../postgres';
import { forEachChunk } from './chunks';

type EmmettEvent = Event<string, Record<string, unknown>, Record<string, unknown>>;

/** Our event as Emmett's: the same type, data and metadata, and our id as Emmett's `messageId` (else it makes a uuid). */
export function toEmmettEvent(event: NewEvent): EmmettEvent {
  return { type: event.type, data: event.data as Record<string, unknown>, metadata: { ...event.metadata, messageId: event.id } };
}

/** int8, json and jsonb: the types whose parsers Emmett's driver layer (dumbo) replaces, for the whole process, when a store is made. */
const PARSED_TYPE_OIDS = [types.builtins.INT8, types.builtins.JSON, types.builtins.JSONB] as const;

type TextParser = (value: string) => unknown;

/**
 * Runs `work`, then puts back pg's type parsers for int8, json and jsonb as they were. Emmett's dumbo
 * sets them globally (int8 to BigInt, JSON through its own serializer) the first time it makes a
 * pool; left so, every later row in the bench process (our store's reads, the report) would parse
 * rows Emmett's way instead of pg's default way.
 */
export async function keepPgTypeParsers<T>(work: () => Promise<T>): Promise<T> {
  const saved = PARSED_TYPE_OIDS.map((oid) => [oid, types.getTypeParser(oid, 'text') as TextParser] as const);
  try {
    return await work();
  } finally {
    for (const [oid, parser] of saved) types.setTypeParser(oid, 'text', parser);
  }
}

/**
 * Emmett appends one stream per call (one transaction, its `emt_append_to_stream` function). It has
 * no call that appends many streams at once, so each 1,000-event batch goes in as one
 * `appendToStream` per dossier, all of the batch's calls in flight together (a pg pool of 10
 * connections, pg's default, which Emmett would make itself, bounds them), and the next batch after
 * the whole batch is stored, as our ingest does. No expected version: like ours with `expected: 'any'`.
 */
async function appendWithEmmett(store: PostgresEventStore, dataset: BenchDataset, step: Step, untimed: Untimed): Promise<number> {
  let appended = 0;
  await forEachChunk(dataset, untimed, async ({ batches }) => {
    for (const batch of batches) {
      const appends = untimed(() => batch.map((a) => ({ streamId: a.streamId, events: a.events.map(toEmmettEvent) })));
      await Promise.all(appends.map((a) => store.appendToStream(a.streamId, a.events)));
      // Counted from what was handed over; the row then counts Emmett's table to check it holds them all.
      appended += appends.reduce((n, a) => n + a.events.length, 0);
      await step(appended);
    }
  });
  return appended;
}

/** `peer.emmett-postgres-append`: the same batches through Emmett's PostgreSQL event store, into a fresh database with its own schema. */
export const emmettPeer: Suite = {
  name: 'peer-emmett',
  rows: ['peer.emmett-postgres-append'],
  async run(context: BenchContext) {
    const { dataset, runner, postgres } = context;
    const database = await postgres.createDatabase();
    try {
      // pg's default pool size, as Emmett would make it; ours, so that a connection lost when the database
      // is dropped on Ctrl-C fails the call in hand instead of crashing the process.
      const pool = new Pool({ connectionString: database.url, max: 10, application_name: 'tthc-bench-emmett' });
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
      try {
        await keepPgTypeParsers(async () => {
          const store = getPostgreSQLEventStore(database.url, { connectionOptions: { pool, pooled: true } });
          try {
            await store.schema.migrate();
            await postgres.checkpoint();
            await runner.measure(rowOf(context, 'peer.emmett-postgres-append'), dataset.events, (step, untimed) =>
              appendWithEmmett(store, dataset, step, untimed),
            );
          } finally {
            await store.close();
          }
        });
      } finally {
        await pool.end();
      }
      // What Emmett says it stored is what its table holds.
      const client = await connect(database.url);
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM emt_messages');
        if (Number(rows[0]?.n) !== dataset.events) throw new Error(`Emmett's table holds ${rows[0]?.n ?? 0} events, expected ${dataset.events}`);
      } finally {
        await client.end();
      }
    } finally {
      await database.drop();
    }
  },
};
