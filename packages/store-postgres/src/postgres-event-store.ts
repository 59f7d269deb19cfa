import type { Pool, PoolClient } from 'pg';
import {
  appendOneStream,
  groupByStream,
  appendOutcome,
  planAppend,
  START_OF_LOG,
  type AppendOutcome,
  type AppendPlan,
  type EventStore,
  type LogBacklog,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type StreamAppendResult,
} from '@tthc/core';
import { insertRows, lastRevisions, lockStreams, naturalKeyHolders, readWholeStreams, storedEvents, UNIQUE_VIOLATION } from './event-sql';
import { inTransaction, mapPgError } from './transaction';

/** An event as the store's reads select it (`POSTGRES_EVENT_COLUMNS`); exported for the bench, which reads the same way. */
export interface PostgresEventRow {
  tx: string;
  position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
}

// An event id already stored (first attempt) or taken by a concurrent writer of another stream; a
// deadlock between two hash-colliding stream locks.
const RETRYABLE = new Set([UNIQUE_VIOLATION, '40P01']);
const MAX_ATTEMPTS = 5;
/** The select list of `PostgresEventRow`. */
export const POSTGRES_EVENT_COLUMNS = 'transaction_id::text AS tx, position, stream_id, revision, event_id, type, data, metadata';

/**
 * How far the log may be read: below the oldest transaction that was still running in this database
 * when the statement's snapshot was taken (the snapshot's end when none was). A transaction that
 * runs that early could still commit events below every position read so far.
 *
 * Transactions of other databases on the server cannot write this table, so they do not hold the
 * reader back (`pg_snapshot_xmin` alone would wait for the longest one in the whole cluster). A
 * running transaction counts as another database's only when `pg_stat_activity` says so; one that
 * ended meanwhile, or that the view hides, still counts as ours: the horizon errs on the early side.
 * Both calls of `pg_current_snapshot()` see the statement's one snapshot. `ORDER BY … LIMIT 1`, not
 * `min()`: xid8 has no `min` before PostgreSQL 15. On a hot standby the snapshot lists no running
 * transactions (they are all in its sub-transaction part), so there it stays with `pg_snapshot_xmin`.
 */
const READ_HORIZON = `(SELECT CASE WHEN pg_is_in_recovery() THEN pg_snapshot_xmin(pg_current_snapshot()) ELSE COALESCE(
    (SELECT x FROM pg_snapshot_xip(pg_current_snapshot()) AS x
      WHERE x::text::bigint % 4294967296 NOT IN (
        SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname <> current_database())
      ORDER BY x LIMIT 1),
    pg_snapshot_xmax(pg_current_snapshot())) END)`;

const toRecorded = (r: PostgresEventRow): RecordedEvent => ({
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
 * `INSERT … SELECT FROM jsonb_array_elements(…)`; the log is read in (transaction id, position)
 * order below the oldest running transaction, so a reader never passes an event that is still
 * being written.
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
    // The first attempt takes every event for new and lets the unique index on event_id say
    // otherwise; a redelivery or a concurrent writer of the same id fails it with a unique violation,
    // and the next attempts read the stored events first. After a call that found stored events,
    // the next call reads them first straight away.
    let checkStored = this.checkStoredFirst;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await inTransaction(this.pool, (client) => this.appendIn(client, appends, checkStored));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
          if (code === UNIQUE_VIOLATION && !checkStored) {
            checkStored = true;
            this.checkStoredFirst = true;
          }
          continue;
        }
        throw error;
      }
    }
  }

  /** Whether the next append reads the stored events of its ids before planning (see appendToStreams). */
  private checkStoredFirst = false;

  /**
   * One attempt: the stream locks, the streams' last revisions, then (only when `checkStored`, or
   * when the plan fails without them) the events already stored under the ids, and the INSERT of
   * the planned rows (one statement per 10,000).
   *
   * Without the stored events the plan takes every event for new. That plan is the same as the
   * checked one exactly when no planned id is stored; otherwise its INSERT fails on the unique
   * event_id and the call is tried again, checked. A plan that fails (wrong expected revision, id
   * reused in the call) may owe that to an unseen stored event, so it is made again, checked, in the
   * same transaction, and only that plan's error stands.
   */
  private async appendIn(client: PoolClient, appends: readonly StreamAppend[], checkStored: boolean): Promise<AppendOutcome> {
    const streamIds = [...new Set(appends.map((a) => a.streamId))].sort();
    // Writers of one stream are serialised by an advisory lock per stream, taken before the
    // transaction writes anything. A transaction id is assigned at the first write, so it is assigned
    // after these locks: a later writer of a stream always gets a larger id, and the log's
    // (transaction id, position) order keeps every stream in revision order. (Row locks would not do:
    // SELECT … FOR UPDATE takes the transaction id before it waits, so a waiter could hold a smaller id.)
    await lockStreams(client, streamIds);
    const revisions = await lastRevisions(client, streamIds);
    const checkedPlan = async () => {
      const events = appends.flatMap((a) => a.events);
      const stored = await storedEvents(
        client,
        events.map((e) => e.id),
      );
      const holders = await naturalKeyHolders(
        client,
        events.flatMap((e) => (e.naturalKey === undefined ? [] : [e.naturalKey])),
      );
      if (stored.size === 0 && holders.size === 0) this.checkStoredFirst = false;
      return planAppend(
        appends,
        (s) => revisions.get(s),
        (id) => stored.get(id),
        (key) => holders.get(key),
      );
    };
    let plan: AppendPlan;
    if (checkStored) plan = await checkedPlan();
    else {
      try {
        plan = planAppend(
          appends,
          (s) => revisions.get(s),
          () => undefined,
        );
      } catch {
        plan = await checkedPlan();
      }
    }
    const positions = plan.rows.length > 0 ? await insertRows(client, plan.rows) : [];
    await this.options.beforeCommit?.(appends);
    return appendOutcome(plan, positions);
  }

  async readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<PostgresEventRow>(
        `SELECT ${POSTGRES_EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
        [streamId, fromRevision.toString(), limit ?? null],
      );
      return rows.map(toRecorded);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    try {
      return groupByStream(await readWholeStreams(this.pool, streamIds));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async readByNaturalKeys(naturalKeys: readonly string[]): Promise<Map<string, RecordedEvent>> {
    if (naturalKeys.length === 0) return new Map();
    try {
      const { rows } = await this.pool.query<PostgresEventRow & { natural_key: string }>(
        `SELECT ${POSTGRES_EVENT_COLUMNS}, natural_key FROM events WHERE natural_key = ANY($1::text[])`,
        [[...new Set(naturalKeys)]],
      );
      return new Map(rows.map((r) => [r.natural_key, toRecorded(r)]));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    try {
      const { rows } = await this.pool.query<PostgresEventRow>(
        `SELECT ${POSTGRES_EVENT_COLUMNS}
           FROM events
          WHERE (transaction_id, position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < ${READ_HORIZON}
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

  /** Counts what `readAll` would return after the position: below the read horizon only. */
  async backlog(after: LogPosition = START_OF_LOG): Promise<LogBacklog> {
    try {
      const { rows } = await this.pool.query<{ events: string; oldest: Date | null }>(
        // `transaction_id >=` says nothing the row comparison does not, but the planner estimates it from
        // the column's statistics: for the row comparison alone it guesses a third of the table, and a
        // caught-up view's lag (no row) was counted by a parallel scan with JIT, 150-370 ms at the seed's size, not 0.4 ms.
        `SELECT count(*)::text AS events, min(recorded_at) AS oldest
           FROM events
          WHERE transaction_id >= $1::text::xid8
            AND (transaction_id, position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < ${READ_HORIZON}`,
        [after.commit.toString(), after.prepare.toString()],
      );
      const row = rows[0];
      return { events: Number(row?.events ?? 0), oldestRecordedAt: row?.oldest?.toISOString() ?? undefined };
    } catch (error) {
      throw mapPgError(error);
    }
  }
}
