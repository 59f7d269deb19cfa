import type { Database, Statement } from 'better-sqlite3';
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
  type LogPosition,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEventRef,
  type RecordedEvent,
  type StreamAppend,
  type StreamAppendResult,
} from '@tthc/core';
import { run } from './sqlite-errors';

/** An event as the store's reads select it (`SQLITE_EVENT_COLUMNS`); exported for the bench, which reads the same way. */
export interface SqliteEventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** The select list of `SqliteEventRow`. */
export const SQLITE_EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

function toRecorded(r: SqliteEventRow): RecordedEvent {
  const position = BigInt(r.position);
  return {
    streamId: r.stream_id,
    revision: BigInt(r.revision),
    position: { commit: position, prepare: position },
    id: r.event_id,
    type: r.type,
    data: JSON.parse(r.data) as unknown,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
  };
}

/** Event store on one SQLite file. SQLite has a single writer, so row order is commit order. */
export class SqliteEventStore implements EventStore {
  private readonly lastRevision: Statement<[string], number | null>;
  private readonly eventsByIds: Statement<[string], { event_id: string; stream_id: string; type: string; data: string; position: number }>;
  private readonly insertEvent: Statement<[string, number, string, string, string, string, string | null]>;
  private readonly holdersOf: Statement<[string], { natural_key: string; event_id: string }>;
  private readonly eventsByNaturalKeys: Statement<[string], SqliteEventRow & { natural_key: string }>;
  private readonly readAfter: Statement<[number, number], SqliteEventRow>;
  private readonly readFromRevision: Statement<[string, number, number], SqliteEventRow>;
  private readonly readManyStreams: Statement<[string], SqliteEventRow>;
  private readonly appendTx: (appends: readonly StreamAppend[], checkStored: boolean) => AppendOutcome;

  constructor(db: Database) {
    // A stream's last revision comes from the log's own (stream_id, revision) index: one descent, and
    // no second table to rewrite on every append (the streams table is no longer read or written).
    this.lastRevision = db.prepare<[string], number | null>('SELECT max(revision) FROM events WHERE stream_id = ?').pluck();
    this.eventsByIds = db.prepare('SELECT event_id, stream_id, type, data, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))');
    this.insertEvent = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata, natural_key) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.holdersOf = db.prepare('SELECT natural_key, event_id FROM events WHERE natural_key IN (SELECT value FROM json_each(?))');
    this.eventsByNaturalKeys = db.prepare(`SELECT ${SQLITE_EVENT_COLUMNS}, natural_key FROM events WHERE natural_key IN (SELECT value FROM json_each(?))`);
    this.readAfter = db.prepare(`SELECT ${SQLITE_EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    this.readFromRevision = db.prepare(`SELECT ${SQLITE_EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`);
    this.readManyStreams = db.prepare(
      `SELECT ${SQLITE_EVENT_COLUMNS} FROM events WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, revision`,
    );
    const tx = db.transaction((appends: readonly StreamAppend[], checkStored: boolean) => this.appendInTransaction(appends, checkStored));
    this.appendTx = (appends, checkStored) => tx.immediate(appends, checkStored);
  }

  /**
   * One transaction. Unless `checkStored`, the plan takes every event for new and the unique index
   * on event_id says otherwise: an id already stored fails the INSERT, the transaction rolls back
   * and the call is made again, checked (what ingest sends is almost never stored already, and the
   * check costs a probe per id). A plan that fails unchecked may owe it to an unseen stored event
   * (an id reused within the call), so it is made again, checked, and only that plan's error stands.
   */
  private appendInTransaction(appends: readonly StreamAppend[], checkStored: boolean): AppendOutcome {
    const keys = appends.flatMap((a) => a.events.flatMap((e) => (e.naturalKey === undefined ? [] : [e.naturalKey])));
    const holders = new Map<string, string>();
    if (keys.length > 0) for (const row of this.holdersOf.all(JSON.stringify(keys))) holders.set(row.natural_key, row.event_id);
    const revisions = new Map<string, bigint | undefined>();
    const currentRevision = (streamId: string): bigint | undefined => {
      if (!revisions.has(streamId)) {
        const revision = this.lastRevision.get(streamId);
        revisions.set(streamId, revision === null || revision === undefined ? undefined : BigInt(revision));
      }
      return revisions.get(streamId);
    };
    const checkedPlan = () => {
      // Every id of the call in one statement; only what is found is parsed.
      const stored = new Map<string, StoredEventRef>();
      for (const row of this.eventsByIds.all(JSON.stringify(appends.flatMap((a) => a.events.map((e) => e.id))))) {
        const position = BigInt(row.position);
        stored.set(row.event_id, {
          streamId: row.stream_id,
          type: row.type,
          data: JSON.parse(row.data) as unknown,
          position: { commit: position, prepare: position },
        });
      }
      return planAppend(
        appends,
        currentRevision,
        (eventId) => stored.get(eventId),
        (key) => holders.get(key),
      );
    };
    let plan: AppendPlan;
    if (checkStored) plan = checkedPlan();
    else {
      try {
        plan = planAppend(
          appends,
          currentRevision,
          () => undefined,
          (key) => holders.get(key),
        );
      } catch {
        plan = checkedPlan();
      }
    }
    const positions = plan.rows.map((row) => {
      const { lastInsertRowid } = this.insertEvent.run(
        row.streamId,
        Number(row.revision),
        row.event.id,
        row.event.type,
        JSON.stringify(row.event.data),
        JSON.stringify(row.event.metadata ?? {}),
        row.event.naturalKey ?? null,
      );
      const position = BigInt(lastInsertRowid);
      return { commit: position, prepare: position };
    });
    return appendOutcome(plan, positions);
  }

  appendToStream(streamId: string, events: readonly NewEvent[], options: { expected?: ExpectedRevision } = {}): Promise<StreamAppendResult> {
    return appendOneStream((a) => this.appendToStreams(a), streamId, events, options.expected);
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    return run(() => {
      try {
        return this.appendTx(appends, false);
      } catch (error) {
        // An id already stored (a redelivery, whose natural key SQLite may name first): the
        // transaction rolled back; the checked plan tells a duplicate from a conflict.
        if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') return this.appendTx(appends, true);
        throw error;
      }
    });
  }

  readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return run(() => this.readFromRevision.all(streamId, Number(fromRevision), limit ?? -1).map(toRecorded));
  }

  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    return run(() => groupByStream(this.readManyStreams.all(JSON.stringify(streamIds)).map(toRecorded)));
  }

  readByNaturalKeys(naturalKeys: readonly string[]): Promise<Map<string, RecordedEvent>> {
    if (naturalKeys.length === 0) return Promise.resolve(new Map<string, RecordedEvent>());
    return run(() => {
      const found = new Map<string, RecordedEvent>();
      for (const row of this.eventsByNaturalKeys.all(JSON.stringify(naturalKeys))) found.set(row.natural_key, toRecorded(row));
      return found;
    });
  }

  readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    return run(() => this.readAfter.all(Number(after.prepare), limit).map(toRecorded));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private countAfter: Statement<[number], { events: number; oldest: string | null }> | undefined;

  backlog(after: LogPosition = START_OF_LOG): Promise<LogBacklog> {
    return run(() => {
      // Prepared on first use, on the database the other statements use.
      this.countAfter ??= this.readAfter.database.prepare('SELECT count(*) AS events, min(recorded_at) AS oldest FROM events WHERE position > ?');
      const row = this.countAfter.get(Number(after.prepare));
      return { events: row?.events ?? 0, oldestRecordedAt: row?.oldest ?? undefined };
    });
  }
}
