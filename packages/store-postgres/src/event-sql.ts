import type { Pool, PoolClient } from 'pg';
import type { LogPosition, PlannedRow, RecordedEvent, StoredEventRef } from '@tthc/core';

/** The statements of the PostgreSQL event store's appends and stream reads, one round trip each. */

type Queryable = Pool | PoolClient;

/** SQLSTATE of a unique violation: an event id that is already stored. */
export const UNIQUE_VIOLATION = '23505';

/**
 * Takes the advisory lock of each stream, in one statement, before the transaction writes anything.
 * Sorted so that two writers of overlapping streams take them in the same order.
 */
export async function lockStreams(client: PoolClient, streamIds: readonly string[]): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended(s, 0)) FROM (SELECT DISTINCT s FROM unnest($1::text[]) s ORDER BY s) locks', [streamIds]);
}

/**
 * Each stream's last revision, from the `(stream_id, revision)` index of the log itself; a stream
 * without events is absent. Read after the locks, in a statement of its own, so it sees every
 * append that committed before them.
 */
export async function lastRevisions(client: PoolClient, streamIds: readonly string[]): Promise<Map<string, bigint>> {
  const { rows } = await client.query<[string, string | null]>({
    text: `SELECT s.id, (SELECT e.revision FROM events e WHERE e.stream_id = s.id ORDER BY e.revision DESC LIMIT 1)
             FROM unnest($1::text[]) s(id)`,
    values: [streamIds],
    rowMode: 'array',
  });
  const revisions = new Map<string, bigint>();
  for (const [streamId, revision] of rows) if (revision !== null) revisions.set(streamId, BigInt(revision));
  return revisions;
}

/**
 * The events already stored under any of these ids, as the idempotency check needs them. A probe
 * of the unique index per id: with `= ANY($1)` and thousands of ids (an ingest batch) the planner
 * scans the whole table instead.
 */
export async function storedEvents(client: PoolClient, eventIds: readonly string[]): Promise<Map<string, StoredEventRef>> {
  const { rows } = await client.query<[string, string, string, unknown, string, string]>({
    text: `SELECT e.event_id, e.stream_id, e.type, e.data, e.tx, e.position
             FROM unnest($1::text[]) i(id)
             CROSS JOIN LATERAL (
               SELECT event_id, stream_id, type, data, transaction_id::text AS tx, position FROM events WHERE event_id = i.id LIMIT 1
             ) e`,
    values: [[...new Set(eventIds)]],
    rowMode: 'array',
  });
  return new Map(
    rows.map(([id, streamId, type, data, tx, position]) => [id, { streamId, type, data, position: { commit: BigInt(tx), prepare: BigInt(position) } }]),
  );
}

/** The ids of the events that hold any of these natural keys, by key. */
export async function naturalKeyHolders(db: Queryable, naturalKeys: readonly string[]): Promise<Map<string, string>> {
  if (naturalKeys.length === 0) return new Map();
  const { rows } = await db.query<[string, string]>({
    text: `SELECT natural_key, event_id FROM events WHERE natural_key = ANY($1::text[])`,
    values: [[...new Set(naturalKeys)]],
    rowMode: 'array',
  });
  return new Map(rows);
}

/** What JSON.stringify turns into nothing at the top level (and into null inside an array). */
const serialises = (value: unknown): boolean => value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';

/**
 * The rows as one JSON array of `[stream, revision, id, type, metadata, naturalKey, data]`: one parameter that
 * the server parses once, instead of six arrays of escaped text and a jsonb parse per element.
 * Data that does not serialise (undefined) is left out rather than written as null, so the row
 * fails the column's NOT NULL as it did when each value was serialised on its own.
 */
export function rowsDocument(rows: readonly PlannedRow[]): string {
  return JSON.stringify(
    rows.map(({ streamId, revision, event }) => {
      const row: unknown[] = [streamId, revision.toString(), event.id, event.type, event.metadata ?? {}, event.naturalKey ?? null];
      if (serialises(event.data)) row.push(event.data);
      return row;
    }),
  );
}

/** Rows per INSERT: keeps each document far below jsonb's 256 MB limit. */
const INSERT_CHUNK_ROWS = 10_000;

/** Inserts the rows, one statement per 10,000; their positions, in the order of `rows`. */
export async function insertRows(client: PoolClient, rows: readonly PlannedRow[]): Promise<LogPosition[]> {
  const byId = new Map<string, LogPosition>();
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    const inserted = await client.query<[string, string, string]>({
      text: `INSERT INTO events (stream_id, revision, event_id, type, metadata, natural_key, data)
             SELECT r->>0, (r->>1)::bigint, r->>2, r->>3, r->4, r->>5, r->6 FROM jsonb_array_elements($1::jsonb) r
             RETURNING event_id, transaction_id::text, position`,
      values: [rowsDocument(rows.slice(start, start + INSERT_CHUNK_ROWS))],
      rowMode: 'array',
    });
    for (const [id, tx, position] of inserted.rows) byId.set(id, { commit: BigInt(tx), prepare: BigInt(position) });
  }
  return rows.map((r) => {
    const position = byId.get(r.event.id);
    if (!position) throw new Error(`INSERT returned no position for event ${r.event.id}`);
    return position;
  });
}

type EventTuple = [
  tx: string,
  position: string,
  streamId: string,
  revision: string,
  id: string,
  type: string,
  data: unknown,
  metadata: Record<string, unknown>,
];

/**
 * Whole streams, each in revision order. One `= ANY` index scan: a LATERAL probe per stream would
 * cost no less here, and its cost estimate grows with the list until it triggers JIT compilation
 * (tens of milliseconds a query). Rows come as arrays, which pg builds faster than objects.
 */
export async function readWholeStreams(db: Queryable, streamIds: readonly string[]): Promise<RecordedEvent[]> {
  const { rows } = await db.query<EventTuple>({
    text: `SELECT transaction_id::text, position, stream_id, revision, event_id, type, data, metadata
             FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, revision`,
    values: [streamIds],
    rowMode: 'array',
  });
  return rows.map(([tx, position, streamId, revision, id, type, data, metadata]) => ({
    streamId,
    revision: BigInt(revision),
    position: { commit: BigInt(tx), prepare: BigInt(position) },
    id,
    type,
    data,
    metadata,
  }));
}
