import type { LogPosition } from './log-position';

/** `any`: no check; `no_stream`: the stream must not exist; `stream_exists`; or the exact last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface NewEvent {
  /** Unique id; appending an id that is already stored with the same content is a no-op. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * A key that names the fact itself, across event ids (a payment's platform and transaction id):
   * no two stored events may hold the same one. Appending an event whose key another id holds fails
   * with `NaturalKeyConflictError`.
   */
  readonly naturalKey?: string;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly NewEvent[];
}

/** What one stream's append left behind. */
export interface StreamAppendResult {
  readonly streamId: string;
  /** The stream's last revision after the append: what to expect next time. */
  readonly nextExpectedRevision: bigint | 'no_stream';
  /** Where the stream's last event of this append is stored (appended now, or found as a duplicate); null for no events. */
  readonly position: LogPosition | null;
  readonly appended: number;
  /** Events whose id was already stored with the same content: nothing was written for them. */
  readonly duplicates: number;
}

export interface AppendOutcome {
  readonly appended: number;
  readonly duplicates: number;
  /** One result per StreamAppend, in the order given. */
  readonly streams: readonly StreamAppendResult[];
}

export interface RecordedEvent {
  readonly streamId: string;
  /** 0-based place of the event in its stream. */
  readonly revision: bigint;
  readonly position: LogPosition;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the start when absent. */
  readonly after?: LogPosition | undefined;
  readonly limit: number;
}

/** The part of the log after a position: what a projection has still to read, for its lag and a replay's ETA. */
export interface LogBacklog {
  /** Events after the position that `readAll` would return now. */
  readonly events: number;
  /** When the oldest of them was stored (ISO 8601); undefined when there are none. */
  readonly oldestRecordedAt: string | undefined;
}

export interface ReadStreamOptions {
  /** First revision to read; 0 when absent. */
  readonly fromRevision?: bigint;
  /** At most this many events; all when absent. */
  readonly limit?: number;
}

/**
 * The event store port. Every adapter passes the same contract suite (test/support).
 * Errors are the typed `EventStoreError`s: wrong expected revision, duplicate-id conflict,
 * natural-key conflict, store unavailable (try again later), store rejected (never try again as it is).
 */
export interface EventStore {
  /** Appends to one stream if it meets `expected` (default `any`). */
  appendToStream(streamId: string, events: readonly NewEvent[], options?: { expected?: ExpectedRevision }): Promise<StreamAppendResult>;
  /** Appends to many streams in one transaction, each with its own expectation: all of it is stored, or none. */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome>;
  /** A stream's events in revision order; empty for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Many streams at once (ingest folds each dossier's state from its stream); absent streams are absent from the map. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;
  /** The stored events that hold any of these natural keys, by key; keys no event holds are absent. */
  readByNaturalKeys(naturalKeys: readonly string[]): Promise<Map<string, RecordedEvent>>;
  /** The global log in order; never returns an event while one before it may still be committed. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** How many events follow a position (the whole log when absent) and when the oldest of them was stored. */
  backlog(after?: LogPosition): Promise<LogBacklog>;
  close(): Promise<void>;
}

/** What opening a store did to its schema: migrations are versioned and run on start. */
export interface SchemaStatus {
  /** The schema version now in force. */
  readonly version: number;
  /** Versions this start applied (empty when the schema was current). */
  readonly applied: readonly number[];
}
