import type { AppendOutcome, EventStore, ReadAllOptions, RecordedEvent, StreamAppend } from './event-store';
import { DuplicateEventIdConflictError } from './errors';
import { assertExpectedRevision } from './expected-revision';
import { compareLogPositions } from './log-position';
import { sameEvent } from './same-event';

/** The port's reference implementation, for unit tests and the contract suite's baseline. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly revisions = new Map<string, bigint>();

  appendToStreams(appends: readonly StreamAppend[]): Promise<AppendOutcome> {
    // A throw inside becomes a rejection, as callers of an async port expect.
    return Promise.resolve().then(() => this.append(appends));
  }

  private append(appends: readonly StreamAppend[]): AppendOutcome {
    // Validate everything first so that a failure leaves the store untouched (all or nothing).
    const revisions = new Map(this.revisions);
    const staged: RecordedEvent[] = [];
    const stagedIds = new Map<string, RecordedEvent>();
    let duplicates = 0;
    let position = BigInt(this.log.length) + 1n;
    for (const append of appends) {
      let revision = revisions.get(append.streamId);
      assertExpectedRevision(append.streamId, append.expected, revision);
      for (const event of append.events) {
        const stored = this.byId.get(event.id) ?? stagedIds.get(event.id);
        if (stored) {
          if (!sameEvent(stored, append.streamId, event)) throw new DuplicateEventIdConflictError(event.id, append.streamId);
          duplicates += 1;
          continue;
        }
        revision = revision === undefined ? 0n : revision + 1n;
        const recorded: RecordedEvent = {
          streamId: append.streamId,
          revision,
          position: { commit: position, prepare: position },
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata ?? {},
        };
        position += 1n;
        staged.push(recorded);
        stagedIds.set(event.id, recorded);
      }
      if (revision !== undefined) revisions.set(append.streamId, revision);
    }
    for (const recorded of staged) {
      this.log.push(recorded);
      this.byId.set(recorded.id, recorded);
    }
    for (const [stream, revision] of revisions) this.revisions.set(stream, revision);
    return { appended: staged.length, duplicates };
  }

  readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const start = after ? this.log.findIndex((e) => compareLogPositions(e.position, after) > 0) : 0;
    return Promise.resolve(start < 0 ? [] : this.log.slice(start, start + limit));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
