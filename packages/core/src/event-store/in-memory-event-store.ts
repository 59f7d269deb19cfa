import type {
  AppendOutcome,
  EventStore,
  LogBacklog,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamAppendResult,
} from './event-store';
import { appendOneStream, appendOutcome, planAppend } from './append-plan';
import { compareLogPositions, type LogPosition } from './log-position';

/** The port's reference implementation, for unit tests and the contract suite's baseline. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  /** When each event of `log` was stored, same index. */
  private readonly recordedAt: string[] = [];
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byNaturalKey = new Map<string, RecordedEvent>();

  appendToStream(streamId: string, events: readonly NewEvent[], options: { expected?: ExpectedRevision } = {}): Promise<StreamAppendResult> {
    return appendOneStream((a) => this.appendToStreams(a), streamId, events, options.expected);
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    // A throw inside becomes a rejection, as callers of an async port expect.
    return Promise.resolve().then(() => this.append(appends));
  }

  private append(appends: readonly StreamAppend[]): AppendOutcome {
    // Planning touches nothing, so a refused call leaves the store as it was (all or nothing).
    const plan = planAppend(
      appends,
      (streamId) => this.streams.get(streamId)?.at(-1)?.revision,
      (id) => this.byId.get(id),
      (key) => this.byNaturalKey.get(key)?.id,
    );
    const positions = plan.rows.map((row) => {
      const n = BigInt(this.log.length + 1);
      const recorded: RecordedEvent = {
        streamId: row.streamId,
        revision: row.revision,
        position: { commit: n, prepare: n },
        id: row.event.id,
        type: row.event.type,
        data: row.event.data,
        metadata: row.event.metadata ?? {},
      };
      this.log.push(recorded);
      this.recordedAt.push(new Date().toISOString());
      this.byId.set(recorded.id, recorded);
      if (row.event.naturalKey !== undefined) this.byNaturalKey.set(row.event.naturalKey, recorded);
      const stream = this.streams.get(row.streamId) ?? [];
      stream.push(recorded);
      this.streams.set(row.streamId, stream);
      return recorded.position;
    });
    return appendOutcome(plan, positions);
  }

  readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = (this.streams.get(streamId) ?? []).filter((e) => e.revision >= fromRevision);
    return Promise.resolve(limit === undefined ? events : events.slice(0, limit));
  }

  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const found = new Map<string, RecordedEvent[]>();
    for (const id of streamIds) {
      const events = this.streams.get(id);
      if (events) found.set(id, [...events]);
    }
    return Promise.resolve(found);
  }

  readByNaturalKeys(naturalKeys: readonly string[]): Promise<Map<string, RecordedEvent>> {
    const found = new Map<string, RecordedEvent>();
    for (const key of naturalKeys) {
      const event = this.byNaturalKey.get(key);
      if (event) found.set(key, event);
    }
    return Promise.resolve(found);
  }

  readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const start = after ? this.log.findIndex((e) => compareLogPositions(e.position, after) > 0) : 0;
    return Promise.resolve(start < 0 ? [] : this.log.slice(start, start + limit));
  }

  backlog(after?: LogPosition): Promise<LogBacklog> {
    const start = after ? this.log.findIndex((e) => compareLogPositions(e.position, after) > 0) : 0;
    if (start < 0 || start >= this.log.length) return Promise.resolve({ events: 0, oldestRecordedAt: undefined });
    return Promise.resolve({ events: this.log.length - start, oldestRecordedAt: this.recordedAt[start] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
