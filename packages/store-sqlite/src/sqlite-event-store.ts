import type { Database, Statement } from 'better-sqlite3';
import {
  appendOneStream,
  groupByStream,
  appendOutcome,
  planAppend,
  START_OF_LOG,
  type AppendOutcome,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
  type StreamAppendResult,
} from '@tthc/core';
import { run } from './sqlite-errors';

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

function toRecorded(r: EventRow): RecordedEvent {
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
  private readonly streamRevision: Statement<[string], { revision: number }>;
  private readonly eventById: Statement<[string], { stream_id: string; type: string; data: string; position: number }>;
  private readonly insertEvent: Statement<[string, number, string, string, string, string]>;
  private readonly upsertStream: Statement<[string, number]>;
  private readonly readAfter: Statement<[number, number], EventRow>;
  private readonly readFromRevision: Statement<[string, number, number], EventRow>;
  private readonly readManyStreams: Statement<[string], EventRow>;
  private readonly appendTx: (appends: readonly StreamAppend[]) => AppendOutcome;

  constructor(db: Database) {
    this.streamRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.eventById = db.prepare('SELECT stream_id, type, data, position FROM events WHERE event_id = ?');
    this.insertEvent = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.readAfter = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`);
    this.readFromRevision = db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`);
    this.readManyStreams = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, revision`,
    );
    const tx = db.transaction((appends: readonly StreamAppend[]) => this.appendInTransaction(appends));
    this.appendTx = (appends) => tx.immediate(appends);
  }

  private appendInTransaction(appends: readonly StreamAppend[]): AppendOutcome {
    const plan = planAppend(
      appends,
      (streamId) => {
        const row = this.streamRevision.get(streamId);
        return row === undefined ? undefined : BigInt(row.revision);
      },
      (eventId) => {
        const row = this.eventById.get(eventId);
        if (row === undefined) return undefined;
        const position = BigInt(row.position);
        return { streamId: row.stream_id, type: row.type, data: JSON.parse(row.data) as unknown, position: { commit: position, prepare: position } };
      },
    );
    const positions = plan.rows.map((row) => {
      const { lastInsertRowid } = this.insertEvent.run(
        row.streamId,
        Number(row.revision),
        row.event.id,
        row.event.type,
        JSON.stringify(row.event.data),
        JSON.stringify(row.event.metadata ?? {}),
      );
      const position = BigInt(lastInsertRowid);
      return { commit: position, prepare: position };
    });
    for (const [streamId, revision] of plan.revisions) this.upsertStream.run(streamId, Number(revision));
    return appendOutcome(plan, positions);
  }

  appendToStream(streamId: string, events: readonly NewEvent[], options: { expected?: ExpectedRevision } = {}): Promise<StreamAppendResult> {
    return appendOneStream((a) => this.appendToStreams(a), streamId, events, options.expected);
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    return run(() => this.appendTx(appends));
  }

  readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return run(() => this.readFromRevision.all(streamId, Number(fromRevision), limit ?? -1).map(toRecorded));
  }

  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    return run(() => groupByStream(this.readManyStreams.all(JSON.stringify(streamIds)).map(toRecorded)));
  }

  readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    return run(() => this.readAfter.all(Number(after.prepare), limit).map(toRecorded));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
