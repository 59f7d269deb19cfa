import type { Database, Statement } from 'better-sqlite3';
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

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Event store on one SQLite file. SQLite has a single writer, so row order is commit order. */
export class SqliteEventStore implements EventStore {
  private readonly streamRevision: Statement<[string], { revision: number }>;
  private readonly eventById: Statement<[string], { stream_id: string; type: string; data: string }>;
  private readonly insertEvent: Statement<[string, number, string, string, string, string]>;
  private readonly upsertStream: Statement<[string, number]>;
  private readonly readAfter: Statement<[number, number], EventRow>;
  private readonly appendTx: (appends: readonly StreamAppend[]) => AppendOutcome;

  constructor(private readonly db: Database) {
    this.streamRevision = db.prepare('SELECT revision FROM streams WHERE stream_id = ?');
    this.eventById = db.prepare('SELECT stream_id, type, data FROM events WHERE event_id = ?');
    this.insertEvent = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.readAfter = db.prepare(
      'SELECT position, stream_id, revision, event_id, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
    );
    const tx = db.transaction((appends: readonly StreamAppend[]) => this.appendInTransaction(appends));
    this.appendTx = (appends) => tx.immediate(appends);
  }

  private appendInTransaction(appends: readonly StreamAppend[]): AppendOutcome {
    let appended = 0;
    let duplicates = 0;
    for (const { streamId, expected, events } of appends) {
      const current = this.streamRevision.get(streamId)?.revision;
      let revision = current === undefined ? undefined : BigInt(current);
      assertExpectedRevision(streamId, expected, revision);
      for (const event of events) {
        const stored = this.eventById.get(event.id);
        if (stored) {
          const same = sameEvent({ streamId: stored.stream_id, type: stored.type, data: JSON.parse(stored.data) }, streamId, event);
          if (!same) throw new DuplicateEventIdConflictError(event.id, streamId);
          duplicates += 1;
          continue;
        }
        revision = revision === undefined ? 0n : revision + 1n;
        this.insertEvent.run(streamId, Number(revision), event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata ?? {}));
        appended += 1;
      }
      if (revision !== undefined && revision !== (current === undefined ? undefined : BigInt(current))) {
        this.upsertStream.run(streamId, Number(revision));
      }
    }
    return { appended, duplicates };
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    // A throw inside becomes a rejection, as callers of an async port expect.
    return Promise.resolve().then(() => this.appendTx(appends));
  }

  readAll({ after = START_OF_LOG, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const rows = this.readAfter.all(Number(after.prepare), limit);
    return Promise.resolve(
      rows.map((r) => {
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
      }),
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
