import type { LogPosition } from './log-position';

/** `any`: no check; `no_stream`: the stream must not exist; `stream_exists`; or the exact last revision. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface NewEvent {
  /** Unique id; appending an id that is already stored with the same content is a no-op. */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly NewEvent[];
}

export interface AppendOutcome {
  readonly appended: number;
  /** Events whose id was already stored with the same content. */
  readonly duplicates: number;
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
  readonly after?: LogPosition;
  readonly limit: number;
}

/** The event store port. Every adapter passes the same contract suite. */
export interface EventStore {
  /** Appends to many streams in one transaction: all of it is stored, or none. */
  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome>;
  /** The global log in order; never returns an event before one that may still be committed ahead of it. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  close(): Promise<void>;
}
