import {
  excludeSystemEvents,
  START,
  StreamNotFoundError,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendStreamRequest,
  type Filter,
  type MultiAppendResult,
  type ReadAllOptions as KurrentReadAllOptions,
  type ReadStreamOptions as KurrentReadStreamOptions,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  appendOneStream,
  appendOutcome,
  compareLogPositions,
  planAppend,
  WrongExpectedRevisionError,
  type AppendOutcome,
  type EventStore,
  type ExpectedRevision,
  type LogBacklog,
  type LogPosition,
  type NewEvent,
  type PlannedRow,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEventRef,
  type StreamAppend,
  type StreamAppendResult,
} from '@tthc/core';
import { toAppendStreamState } from './expected-state';
import { fromKurrentEvent, isSystemEvent, toEventData } from './kurrent-event';
import { mapKurrentError } from './map-kurrent-error';

/** What the adapter uses of `KurrentDBClient`; tests give it a stand-in. */
export interface KurrentDbClientLike {
  readStream(streamName: string, options?: KurrentReadStreamOptions): AsyncIterable<ResolvedEvent>;
  readAll(options?: KurrentReadAllOptions): AsyncIterable<AllStreamResolvedEvent>;
  multiStreamAppend(requests: AppendStreamRequest[]): Promise<MultiAppendResult>;
  dispose(): Promise<void>;
}

export interface KurrentDbEventStoreOptions {
  /**
   * Put in front of every stream name; `readAll` then returns only streams that carry it. This is
   * for test isolation on a shared server (each test's store sees only its own streams), not a
   * tenancy feature.
   * @defaultValue `''`: streams are named exactly as ours
   */
  readonly streamPrefix?: string;
}

/** A lost race is retried this many times in all before its conflict reaches the caller. */
const MAX_ATTEMPTS = 10;

interface TargetStreams {
  readonly revisions: ReadonlyMap<string, bigint>;
  readonly stored: ReadonlyMap<string, StoredEventRef>;
  /** Natural key → the event that holds it, from the key's marker stream. */
  readonly holders: ReadonlyMap<string, NaturalKeyHolder>;
}

interface NaturalKeyHolder {
  readonly eventId: string;
  readonly streamId: string;
}

/**
 * A natural key is held by a one-event marker stream of this name, appended with `no_stream` in the
 * same multi-stream append as its event: of two writers of one key, only one can succeed. Marker
 * streams are not part of our log: `readAll` and `backlog` leave them out.
 */
const MARKER_PREFIX = 'natural-key-';
const MARKER_TYPE = 'tthc.natural-key-held';

/** Jitter, so that writers that lost the same race do not meet again in step. */
const backoff = (attempt: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

/**
 * Event store on KurrentDB (server 25.1 or later, for atomic multi-stream appends). Our streams are
 * KurrentDB streams of the same name; our global log is `$all` without system events, and our
 * positions are its (commit, prepare) positions. `$all` is in commit order and shows only committed
 * events, so a reader never passes an event that is still being written.
 *
 * Idempotency is ours, not the server's: every append first reads its target streams (dossier
 * streams are short) and plans with `planAppend` against what they hold, then writes the new events
 * of all streams in one `multiStreamAppend`, each stream expected at the exact revision just read.
 * A writer that got in between makes that fail, and the call re-reads and re-plans.
 *
 * Limit: an event id is only looked up in the streams being appended to. An id already stored in
 * another stream is not found, so reusing it elsewhere stores a second event under the same id
 * (KurrentDB does not keep event ids unique across streams either). Within one call the plan still
 * refuses it; across calls nothing catches it. The SQL adapters refuse it with a
 * DuplicateEventIdConflictError. Our event ids are CloudEvents ids whose subject is the stream, so a
 * redelivery always targets the same stream and is recognised.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly prefix: string;
  private readonly logFilter: Filter;

  constructor(
    private readonly client: KurrentDbClientLike,
    options: KurrentDbEventStoreOptions = {},
  ) {
    this.prefix = options.streamPrefix ?? '';
    this.logFilter = this.prefix ? streamNameFilter({ prefixes: [this.prefix] }) : excludeSystemEvents();
  }

  private readonly toStreamName = (streamId: string): string => this.prefix + streamId;
  private readonly toStreamId = (streamName: string): string => (streamName.startsWith(this.prefix) ? streamName.slice(this.prefix.length) : streamName);
  private readonly mapError = (error: unknown): unknown => mapKurrentError(error, this.toStreamId);

  appendToStream(streamId: string, events: readonly NewEvent[], options: { expected?: ExpectedRevision } = {}): Promise<StreamAppendResult> {
    return appendOneStream((a) => this.appendToStreams(a), streamId, events, options.expected);
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    for (let attempt = 1; ; attempt += 1) {
      const { revisions, stored, holders } = await this.readTargets(appends);
      // Throws the caller's own failed expectation or a reused id at once: re-reading would not change it.
      const plan = planAppend(
        appends,
        (s) => revisions.get(s),
        (id) => stored.get(id),
        (key) => holders.get(key)?.eventId,
      );
      if (plan.rows.length === 0) return appendOutcome(plan, []);
      try {
        await this.client.multiStreamAppend(this.requests(plan.rows, revisions));
      } catch (error) {
        const mapped = this.mapError(error);
        if (mapped instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) {
          await backoff(attempt);
          continue;
        }
        throw mapped;
      }
      return appendOutcome(plan, await this.positionsOf(plan.rows));
    }
  }

  /** The revision and the events of every target stream, as the plan needs them. */
  private async readTargets(appends: readonly StreamAppend[]): Promise<TargetStreams> {
    const streamIds = [...new Set(appends.map((a) => a.streamId))];
    const contents = await Promise.all(streamIds.map((s) => this.readStream(s)));
    const revisions = new Map<string, bigint>();
    const stored = new Map<string, StoredEventRef>();
    for (const events of contents) {
      const last = events[events.length - 1];
      if (last) revisions.set(last.streamId, last.revision);
      for (const e of events) if (!stored.has(e.id)) stored.set(e.id, e);
    }
    const keys = appends.flatMap((a) => a.events.flatMap((e) => (e.naturalKey === undefined ? [] : [e.naturalKey])));
    return { revisions, stored, holders: await this.holdersOf(keys) };
  }

  private async holdersOf(naturalKeys: readonly string[]): Promise<Map<string, NaturalKeyHolder>> {
    const holders = new Map<string, NaturalKeyHolder>();
    for (const key of new Set(naturalKeys)) {
      const [marker] = await this.readStream(MARKER_PREFIX + key, { limit: 1 });
      const data = marker?.data as Partial<NaturalKeyHolder> | undefined;
      if (typeof data?.eventId === 'string' && typeof data.streamId === 'string') holders.set(key, { eventId: data.eventId, streamId: data.streamId });
    }
    return holders;
  }

  async readByNaturalKeys(naturalKeys: readonly string[]): Promise<Map<string, RecordedEvent>> {
    const found = new Map<string, RecordedEvent>();
    for (const [key, holder] of await this.holdersOf(naturalKeys)) {
      const event = (await this.readStream(holder.streamId)).find((e) => e.id === holder.eventId);
      if (event) found.set(key, event);
    }
    return found;
  }

  private readonly isMarker = (streamName: string): boolean => this.toStreamId(streamName).startsWith(MARKER_PREFIX);

  /** One request per stream, expected exactly where it was read: any writer in between makes the whole append fail. */
  private requests(rows: readonly PlannedRow[], revisions: ReadonlyMap<string, bigint>): AppendStreamRequest[] {
    const requests = new Map<string, AppendStreamRequest>();
    for (const row of rows) {
      let request = requests.get(row.streamId);
      if (!request) {
        request = {
          streamName: this.toStreamName(row.streamId),
          expectedState: toAppendStreamState(revisions.get(row.streamId) ?? 'no_stream'),
          events: [],
        };
        requests.set(row.streamId, request);
      }
      request.events.push(toEventData(row.event));
      if (row.event.naturalKey !== undefined) {
        requests.set(MARKER_PREFIX + row.event.naturalKey, {
          streamName: this.toStreamName(MARKER_PREFIX + row.event.naturalKey),
          expectedState: 'no_stream',
          events: [toEventData({ id: `${row.event.id}/natural-key`, type: MARKER_TYPE, data: { eventId: row.event.id, streamId: row.streamId } })],
        });
      }
    }
    return [...requests.values()];
  }

  /** The $all positions the written rows got, read back from their streams (the append answers with one position only). */
  private async positionsOf(rows: readonly PlannedRow[]): Promise<LogPosition[]> {
    const first = new Map<string, { revision: bigint; count: number }>();
    for (const row of rows) {
      const seen = first.get(row.streamId);
      if (seen) seen.count += 1;
      else first.set(row.streamId, { revision: row.revision, count: 1 });
    }
    const read = await Promise.all(
      [...first].map(async ([streamId, { revision, count }]) => {
        const events = await this.readStream(streamId, { fromRevision: revision, limit: count });
        return [streamId, new Map(events.map((e) => [e.revision, e.position]))] as const;
      }),
    );
    const byStream = new Map(read);
    return rows.map((row) => {
      const position = byStream.get(row.streamId)?.get(row.revision);
      if (!position) throw new Error(`stream ${row.streamId}: revision ${row.revision} was appended but cannot be read back`);
      return position;
    });
  }

  /** KurrentDB has no multi-stream read: dossier streams are short, so they are read a few at a time. */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const found = new Map<string, RecordedEvent[]>();
    for (let i = 0; i < streamIds.length; i += 16) {
      const chunk = streamIds.slice(i, i + 16);
      const read = await Promise.all(chunk.map((id) => this.readStream(id)));
      chunk.forEach((id, j) => {
        const events = read[j];
        if (events && events.length > 0) found.set(id, events);
      });
    }
    return found;
  }

  async readStream(streamId: string, { fromRevision = 0n, limit }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(this.toStreamName(streamId), { fromRevision, maxCount: limit })) {
        if (event) events.push(fromKurrentEvent(event, streamId));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw this.mapError(error);
    }
    return events;
  }

  /**
   * `$all` is read from a position inclusively and ours is exclusive: the event at `after` comes
   * back first and is dropped. The server filters by prefix, or leaves out `$` event types; events of
   * `$` streams are dropped here, so a page may come back short and is topped up from where it ended.
   */
  async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let from = after && (after.commit > 0n || after.prepare > 0n) ? after : undefined;
    while (events.length < limit) {
      const maxCount = limit - events.length + (from ? 1 : 0);
      let received = 0;
      let last: LogPosition | undefined;
      try {
        for await (const { event } of this.client.readAll({ fromPosition: from ?? START, maxCount, filter: this.logFilter })) {
          received += 1;
          if (!event) continue;
          const position: LogPosition = { commit: event.position.commit, prepare: event.position.prepare };
          if (from && compareLogPositions(position, from) <= 0) continue;
          last = position;
          if (isSystemEvent(event) || this.isMarker(event.streamId) || events.length >= limit) continue;
          events.push(fromKurrentEvent(event, this.toStreamId(event.streamId)));
        }
      } catch (error) {
        throw this.mapError(error);
      }
      if (received < maxCount || !last) break;
      from = last;
    }
    return events;
  }

  /**
   * KurrentDB keeps no count of `$all` after a position, so the backlog is read through to the end:
   * a full read of what is left. Status and the start of a replay call it, once each.
   */
  async backlog(after?: LogPosition): Promise<LogBacklog> {
    const from = after && (after.commit > 0n || after.prepare > 0n) ? after : undefined;
    let events = 0;
    let oldest: Date | undefined;
    try {
      for await (const { event } of this.client.readAll({ fromPosition: from ?? START, filter: this.logFilter })) {
        if (!event || isSystemEvent(event) || this.isMarker(event.streamId)) continue;
        if (from && compareLogPositions({ commit: event.position.commit, prepare: event.position.prepare }, from) <= 0) continue;
        events += 1;
        if (oldest === undefined || event.created < oldest) oldest = event.created;
      }
    } catch (error) {
      throw this.mapError(error);
    }
    return { events, oldestRecordedAt: oldest?.toISOString() };
  }

  close(): Promise<void> {
    return this.client.dispose();
  }
}
