import type { Pool, PoolClient } from 'pg';
import {
  appendOneStream,
  groupByStream,
  appendOutcome,
  planAppend,
  START_OF_LOG,
  type AppendOutcome,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEventRef,
  type StreamAppend,
  type StreamAppendResult,
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

// An event id taken by a concurrent writer of another stream; a deadlock between two hash-colliding stream locks.
const RETRYABLE = new Set(['23505', '40P01']);
const MAX_ATTEMPTS = 5;
const COLUMNS = 'transaction_id::text AS tx, position, stream_id, revision, event_id, type, data, metadata';

const toRecorded = (r: EventRow): RecordedEvent => ({
  streamId: r.stream_id,
  revision: BigInt(r.revision),
  position: { commit: BigInt(r.tx), prepare: BigInt(r.position) },
  id: r.event_id,
  type: r.type,
  data: r.data,
  metadata: r.metadata,
});

export interface PostgresEventStoreOptions {
  /**
   * Runs inside each append transaction just before COMMIT. Tests use it to hold a transaction open
   * while others commit; nothing else needs it.
   */
  readonly beforeCommit?: (appends: readonly StreamAppend[]) => Promise<void>;
}

/**
 * Event store on PostgreSQL. Appends to many streams go in one short transaction with one
 * `INSERT … SELECT FROM unnest(…)`; the log is read in (transaction id, position) order below the
 * oldest running transaction, so a reader never passes an event that is still being written.
 */
export class PostgresEventStore implements EventStore {
  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {}

  appendToStream(streamId: string, events: readonly NewEvent[], options: { expected?: ExpectedRevision } = {}): Promise<StreamAppendResult> {
    return appendOneStream((a) => this.appendToStreams(a), streamId, events, options.expected);
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.pool, (client) => this.appendIn(client, appends));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async appendIn(client: PoolClient, appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    const streamIds = [...new Set(appends.map((a) => a.streamId))].sort();
    const eventIds = appends.flatMap((a) => a.events.map((e) => e.id));
    // Writers of one stream are serialised by an advisory lock per stream, taken before the
    // transaction writes anything. A transaction id is assigned at the first write, so it is assigned
    // after these locks: a later writer of a stream always gets a larger id, and the log's
    // (transaction id, position) order keeps every stream in revision order. (Row locks would not do:
    // SELECT … FOR UPDATE takes the transaction id before it waits, so a waiter could hold a smaller id.)
    await client.query(
      'SELECT pg_advisory_xact_lock(hashtextextended(s, 0)) FROM (SELECT DISTINCT s FROM unnest($1::text[]) s ORDER BY s) locks',
      [streamIds],
    );
    const streams = await client.query<{ stream_id: string; revision: string }>(
      'SELECT stream_id, revision FROM streams WHERE stream_id = ANY($1)',
      [streamIds],
    );
    const existing = await client.query<{ event_id: string; stream_id: string; type: string; data: unknown; tx: string; position: string }>(
      'SELECT event_id, stream_id, type, data, transaction_id::text AS tx, position FROM events WHERE event_id = ANY($1)',
      [eventIds],
    );
    const revisions = new Map(streams.rows.map((r) => [r.stream_id, BigInt(r.revision)]));
    const stored = new Map<string, StoredEventRef>(
      existing.rows.map((r) => [
        r.event_id,
        { streamId: r.stream_id, type: r.type, data: r.data, position: { commit: BigInt(r.tx), prepare: BigInt(r.position) } },
      ]),
    );
    const plan = planAppend(appends, (s) => revisions.get(s), (id) => stored.get(id));
    let positions: LogPosition[] = [];
    if (plan.rows.length > 0) {
      const inserted = await client.query<{ event_id: string; tx: string; position: string }>(
        `INSERT INTO events (stream_id, revision, event_id, type, data, metadata)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
         RETURNING event_id, transaction_id::text AS tx, position`,
        [
          plan.rows.map((r) => r.streamId),
          plan.rows.map((r) => r.revision.toString()),
          plan.rows.map((r) => r.event.id),
          plan.rows.map((r) => r.event.type),
          plan.rows.map((r) => JSON.stringify(r.event.data)),
          plan.rows.map((r) => JSON.stringify(r.event.metadata ?? {})),
        ],
      );
      const byId = new Map(inserted.rows.map((r) => [r.event_id, { commit: BigInt(r.tx), prepare: BigInt(r.position) }]));
      positions = plan.rows.map((r) => {
        const position = byId.get(r.event.id);
        if (!position) throw new Error(`INSERT returned no position for event ${r.event.id}`);
        return position;
      });
      await client.query(
        `INSERT INTO streams (stream_id, revision) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision`,
        [[...plan.revisions.keys()], [...plan.revisions.values()].map(String)],
      );
    }
    await this.options.beforeCommit?.(appends);
    return appendOutcome(plan, positions);
  }

  async readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
        [streamId, fromRevision.toString(), limit ?? null],
      );
      return rows.map(toRecorded);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, revision`,
        [streamIds],
      );
      return groupByStream(rows.map(toRecorded));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<EventRow>(
        `SELECT ${COLUMNS}
           FROM events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id, position
          LIMIT $3`,
        [after.commit.toString(), after.prepare.toString(), limit],
      );
      return rows.map(toRecorded);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
