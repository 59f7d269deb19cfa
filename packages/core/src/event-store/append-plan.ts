import type { AppendOutcome, NewEvent, RecordedEvent, StreamAppend, StreamAppendResult } from './event-store';
import { DuplicateEventIdConflictError, NaturalKeyConflictError } from './errors';
import { assertExpectedRevision } from './expected-revision';
import type { LogPosition } from './log-position';
import { sameEvent } from './same-event';

/** An event already in the store, as the idempotency check needs it. */
export interface StoredEventRef {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly position: LogPosition;
}

/** A row to write: the event, its stream and the revision it takes. */
export interface PlannedRow {
  readonly streamId: string;
  readonly revision: bigint;
  readonly event: NewEvent;
}

/** Where a stream's last event of the append will be: a row of this plan, or an event already stored. */
type LastRef = { readonly row: number } | { readonly stored: LogPosition } | null;

interface PlannedStream {
  readonly streamId: string;
  readonly nextExpectedRevision: bigint | 'no_stream';
  readonly appended: number;
  readonly duplicates: number;
  readonly last: LastRef;
}

export interface AppendPlan {
  readonly rows: readonly PlannedRow[];
  readonly streams: readonly PlannedStream[];
  /** Streams whose last revision changes, with the new one: what the adapter's stream table records. */
  readonly revisions: ReadonlyMap<string, bigint>;
}

/**
 * The append rules every adapter shares, as a pure function: checks each expectation against the
 * revision in force at that point of the call, drops redelivered events (same id, same content),
 * refuses a reused id with other content, refuses a natural key that another id holds (stored or
 * earlier in the call), and numbers the new events per stream. The adapter reads what the plan needs
 * (current revisions, events stored under the ids and natural keys), writes `rows` in one
 * transaction, and turns the plan into the outcome with the positions the rows got.
 */
export function planAppend(
  appends: readonly StreamAppend[],
  currentRevision: (streamId: string) => bigint | undefined,
  storedEvent: (eventId: string) => StoredEventRef | undefined,
  naturalKeyHolder: (naturalKey: string) => string | undefined = () => undefined,
): AppendPlan {
  const revisions = new Map<string, bigint>();
  const keysInCall = new Map<string, string>();
  const staged = new Map<string, { streamId: string; type: string; data: unknown; row: number }>();
  const rows: PlannedRow[] = [];
  const streams: PlannedStream[] = [];
  for (const { streamId, expected, events } of appends) {
    let revision = revisions.has(streamId) ? revisions.get(streamId) : currentRevision(streamId);
    assertExpectedRevision(streamId, expected, revision);
    let appended = 0;
    let duplicates = 0;
    let last: LastRef = null;
    for (const event of events) {
      const inCall = staged.get(event.id);
      const before = inCall ?? storedEvent(event.id);
      if (before) {
        if (!sameEvent(before, streamId, event)) throw new DuplicateEventIdConflictError(event.id, streamId);
        duplicates += 1;
        last = inCall ? { row: inCall.row } : { stored: (before as StoredEventRef).position };
        continue;
      }
      if (event.naturalKey !== undefined) {
        const holder = keysInCall.get(event.naturalKey) ?? naturalKeyHolder(event.naturalKey);
        if (holder !== undefined && holder !== event.id) throw new NaturalKeyConflictError(event.naturalKey, event.id, holder);
        keysInCall.set(event.naturalKey, event.id);
      }
      revision = revision === undefined ? 0n : revision + 1n;
      staged.set(event.id, { streamId, type: event.type, data: event.data, row: rows.length });
      last = { row: rows.length };
      rows.push({ streamId, revision, event });
      appended += 1;
    }
    if (revision !== undefined && appended > 0) revisions.set(streamId, revision);
    streams.push({ streamId, nextExpectedRevision: revision ?? 'no_stream', appended, duplicates, last });
  }
  return { rows, streams, revisions };
}

/** The outcome of a written plan, given the position each row got (same order as `plan.rows`). */
export function appendOutcome(plan: AppendPlan, rowPositions: readonly LogPosition[]): AppendOutcome {
  let appended = 0;
  let duplicates = 0;
  const streams: StreamAppendResult[] = plan.streams.map((s) => {
    appended += s.appended;
    duplicates += s.duplicates;
    const position = s.last === null ? null : 'row' in s.last ? (rowPositions[s.last.row] ?? null) : s.last.stored;
    return { streamId: s.streamId, nextExpectedRevision: s.nextExpectedRevision, position, appended: s.appended, duplicates: s.duplicates };
  });
  return { appended, duplicates, streams };
}

/** appendToStream in terms of appendToStreams, for adapters whose one-stream path is the general one. */
export async function appendOneStream(
  appendToStreams: (appends: readonly StreamAppend[]) => Promise<AppendOutcome>,
  streamId: string,
  events: readonly NewEvent[],
  expected: StreamAppend['expected'] = 'any',
): Promise<StreamAppendResult> {
  const outcome = await appendToStreams([{ streamId, expected, events }]);
  const result = outcome.streams[0];
  if (!result) throw new Error('appendToStreams returned no stream result');
  return result;
}

/** Events of several streams, each list in the order read. */
export function groupByStream(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) {
    const list = streams.get(e.streamId);
    if (list) list.push(e);
    else streams.set(e.streamId, [e]);
  }
  return streams;
}
