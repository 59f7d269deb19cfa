import type { Pool, PoolClient } from 'pg';
import {
  assertExpectedRevision,
  DuplicateEventIdConflictError,
  sameEvent,
  START_OF_LOG,
  type AppendOutcome,
  type EventStore,
  type ReadAllOptions,
  type RecordedEvent,
  type StreamAppend,
} from '@tthc/core';
import { inTransaction, mapPgError } from './transaction';

interface EventRow {
  tx: string;
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

const UNIQUE_VIOLATION = '23505';
const MAX_ATTEMPTS = 5;

/**
 * Event store on PostgreSQL. Appends to many streams go in one short transaction with one
 * `INSERT … SELECT FROM unnest(…)`; the log is read in (transaction id, position) order below the
 * oldest running transaction, so a reader never passes an event that is still being written.
 */
export class PostgresEventStore implements EventStore {
  constructor(private readonly pool: Pool) {}

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.pool, (client) => this.appendIn(client, appends));
      } catch (error) {
        // A concurrent writer took the same new stream revision or event id: re-read and re-check.
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async appendIn(client: PoolClient, appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    const streamIds = [...new Set(appends.map((a) => a.streamId))].sort();
    const eventIds = appends.flatMap((a) => a.events.map((e) => e.id));
    const [streams, existing] = await Promise.all([
      client.query<{ stream_id: string; revision: string }>(
        'SELECT stream_id, revision FROM streams WHERE stream_id = ANY($1) ORDER BY stream_id FOR UPDATE',
        [streamIds],
      ),
      client.query<{ event_id: string; stream_id: string; type: string; data: unknown }>(
        'SELECT event_id, stream_id, type, data FROM events WHERE event_id = ANY($1)',
        [eventIds],
      ),
    ]);
    const revisions = new Map(streams.rows.map((r) => [r.stream_id, BigInt(r.revision)]));
    const stored = new Map(existing.rows.map((r) => [r.event_id, { streamId: r.stream_id, type: r.type, data: r.data }]));
    const cols = { stream: [] as string[], revision: [] as string[], id: [] as string[], type: [] as string[], data: [] as string[], meta: [] as string[] };
    const touched = new Map<string, bigint>();
    let duplicates = 0;
    for (const { streamId, expected, events } of appends) {
      let revision = revisions.get(streamId);
      assertExpectedRevision(streamId, expected, revision);
      for (const event of events) {
        const before = stored.get(event.id);
        if (before) {
          if (!sameEvent(before, streamId, event)) throw new DuplicateEventIdConflictError(event.id, streamId);
          duplicates += 1;
          continue;
        }
        revision = revision === undefined ? 0n : revision + 1n;
        stored.set(event.id, { streamId, type: event.type, data: event.data });
        cols.stream.push(streamId);
        cols.revision.push(revision.toString());
        cols.id.push(event.id);
        cols.type.push(event.type);
        cols.data.push(JSON.stringify(event.data));
        cols.meta.push(JSON.stringify(event.metadata ?? {}));
      }
      if (revision !== undefined && revision !== revisions.get(streamId)) {
        revisions.set(streamId, revision);
        touched.set(streamId, revision);
      }
    }
    if (cols.id.length > 0) {
      await client.query(
        `INSERT INTO events (stream_id, revision, event_id, type, data, metadata)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])`,
        [cols.stream, cols.revision, cols.id, cols.type, cols.data, cols.meta],
      );
      await client.query(
        `INSERT INTO streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision`,
        [[...touched.keys()], [...touched.values()].map(String)],
      );
    }
    return { appended: cols.id.length, duplicates };
  }

  async readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT transaction_id::text AS tx, position, stream_id, revision, event_id, type, data, metadata
           FROM events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id, position
          LIMIT $3`,
        [after.commit.toString(), after.prepare.toString(), limit],
      );
      return rows.map((r) => ({
        streamId: r.stream_id,
        revision: BigInt(r.revision),
        position: { commit: BigInt(r.tx), prepare: BigInt(r.position) },
        id: r.event_id,
        type: r.type,
        data: r.data,
        metadata: r.metadata,
      }));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
