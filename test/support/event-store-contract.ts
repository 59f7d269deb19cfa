import {
  compareLogPositions,
  DuplicateEventIdConflictError,
  subscribeToAll,
  WrongExpectedRevisionError,
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '@tthc/core';
import type { Opened } from './opened';
import { openPerTest } from './open-per-test';

/** A store whose appends to a chosen stream wait inside their transaction until released. */
export interface ConcurrentStore extends Opened<EventStore> {
  /** The next append touching `streamId` stops just before COMMIT; `inside` resolves once it is there. */
  hold(streamId: string): { readonly inside: Promise<void>; release(): void };
}

export interface EventStoreHarness {
  /** A fresh, empty store, and how to close what was opened for it. */
  open(): Promise<Opened<EventStore>>;
  /**
   * Stores that let several writers commit while another's transaction is open (PostgreSQL) provide
   * this, and run the held-transaction test. A single-writer store (SQLite) cannot be in that state.
   */
  openConcurrent?(): Promise<ConcurrentStore>;
  dispose?(): Promise<void>;
}

let counter = 0;
export const testEvent = (data: Record<string, unknown> = {}, type = 'test.happened.v1'): NewEvent => {
  counter += 1;
  return { id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, type, data: { n: counter, ...data } };
};

/** Follows the log the way a projection does: pages after its own checkpoint. */
export class LogFollower {
  readonly seen: RecordedEvent[] = [];
  private after: LogPosition | undefined;

  constructor(private readonly store: EventStore) {}

  /** Reads up to the end of the log as it stands; returns what this call read. */
  async catchUp(pageSize = 1000): Promise<RecordedEvent[]> {
    const read: RecordedEvent[] = [];
    for (;;) {
      const page = await this.store.readAll({ after: this.after, limit: pageSize });
      if (page.length === 0) return read;
      read.push(...page);
      this.seen.push(...page);
      this.after = page[page.length - 1]?.position;
    }
  }
}

const readEverything = async (store: EventStore, pageSize = 1000) => {
  const follower = new LogFollower(store);
  await follower.catchUp(pageSize);
  return follower.seen;
};

/**
 * One writer's transaction is held open while other writers commit after it; a follower reads
 * meanwhile, then again once the held transaction commits. Returns what the follower missed or saw
 * twice: both empty for a store whose log never passes an open transaction.
 */
export async function heldTransactionScenario(concurrent: ConcurrentStore): Promise<{ missed: string[]; repeated: string[]; readWhileHeld: string[] }> {
  const { store } = concurrent;
  const history = [testEvent(), testEvent()];
  await store.appendToStreams([{ streamId: 'dossier-history', expected: 'any', events: history }]);
  const follower = new LogFollower(store);
  await follower.catchUp();

  const held = [testEvent(), testEvent()];
  const gate = concurrent.hold('dossier-held');
  const heldAppend = store.appendToStreams([{ streamId: 'dossier-held', expected: 'no_stream', events: held }]);
  await gate.inside;
  const later = Array.from({ length: 5 }, () => testEvent());
  await Promise.all(later.map((e, i) => store.appendToStreams([{ streamId: `dossier-later-${i}`, expected: 'no_stream', events: [e] }])));
  const readWhileHeld = (await follower.catchUp()).map((e) => e.id);

  gate.release();
  await heldAppend;
  await follower.catchUp();

  const expected = [...history, ...held, ...later].map((e) => e.id);
  const seen = follower.seen.map((e) => e.id);
  return {
    missed: expected.filter((id) => !seen.includes(id)),
    repeated: seen.filter((id, i) => seen.indexOf(id) !== i),
    readWhileHeld,
  };
}

/** The behaviour every event-store adapter must show. Each adapter's spec calls this with its harness. */
export function eventStoreContract(name: string, harness: EventStoreHarness): void {
  describe(`event store contract: ${name}`, () => {
    const store = openPerTest(harness);

    describe('appending and reading', () => {
      it('appends to a stream and reads the global log back in order, with stream revisions from 0', async () => {
        const events = [testEvent(), testEvent(), testEvent()];
        const result = await store().appendToStream('dossier-A', events, { expected: 'no_stream' });
        expect(result).toMatchObject({ streamId: 'dossier-A', nextExpectedRevision: 2n, appended: 3, duplicates: 0 });
        const log = await readEverything(store());
        expect(log.map((e) => [e.streamId, e.revision, e.id, e.data])).toEqual(events.map((e, i) => ['dossier-A', BigInt(i), e.id, e.data]));
        expect(result.position).toEqual(log[2]?.position);
      });

      it('reads one stream in revision order, from a revision, up to a limit; an unknown stream is empty', async () => {
        const a = [testEvent(), testEvent(), testEvent(), testEvent()];
        await store().appendToStream('dossier-A', a.slice(0, 2));
        await store().appendToStream('dossier-B', [testEvent()]);
        await store().appendToStream('dossier-A', a.slice(2));
        expect((await store().readStream('dossier-A')).map((e) => [e.revision, e.id])).toEqual(a.map((e, i) => [BigInt(i), e.id]));
        expect((await store().readStream('dossier-A', { fromRevision: 1n, limit: 2 })).map((e) => e.id)).toEqual([a[1]?.id, a[2]?.id]);
        await expect(store().readStream('dossier-none')).resolves.toEqual([]);
      });

      it('reads many streams at once, each in revision order, leaving out streams that do not exist', async () => {
        const a = [testEvent(), testEvent()];
        const b = [testEvent()];
        await store().appendToStreams([
          { streamId: 'dossier-A', expected: 'any', events: a.slice(0, 1) },
          { streamId: 'dossier-B', expected: 'any', events: b },
          { streamId: 'dossier-A', expected: 'any', events: a.slice(1) },
        ]);
        const streams = await store().readStreams(['dossier-A', 'dossier-B', 'dossier-none']);
        expect([...streams.keys()].sort()).toEqual(['dossier-A', 'dossier-B']);
        expect(streams.get('dossier-A')?.map((e) => [e.revision, e.id])).toEqual(a.map((e, i) => [BigInt(i), e.id]));
        expect(streams.get('dossier-B')?.map((e) => e.id)).toEqual(b.map((e) => e.id));
      });

      it('appends many streams in one call, with one result per stream in the order given', async () => {
        const outcome = await store().appendToStreams([
          { streamId: 'dossier-A', expected: 'no_stream', events: [testEvent(), testEvent()] },
          { streamId: 'dossier-B', expected: 'any', events: [testEvent()] },
          { streamId: 'dossier-A', expected: 1n, events: [testEvent()] },
        ]);
        expect(outcome).toMatchObject({ appended: 4, duplicates: 0 });
        expect(outcome.streams.map((s) => [s.streamId, s.nextExpectedRevision, s.appended])).toEqual([
          ['dossier-A', 1n, 2],
          ['dossier-B', 0n, 1],
          ['dossier-A', 2n, 1],
        ]);
        const log = await readEverything(store());
        expect(log.filter((e) => e.streamId === 'dossier-A').map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('pages through the log without skipping or repeating, positions strictly increasing', async () => {
        for (let i = 0; i < 10; i += 1) {
          await store().appendToStreams([
            { streamId: `dossier-${i % 3}`, expected: 'any', events: [testEvent(), testEvent()] },
            { streamId: `dossier-x${i}`, expected: 'any', events: [testEvent()] },
          ]);
        }
        const whole = await readEverything(store(), 1000);
        const paged = await readEverything(store(), 4);
        expect(whole).toHaveLength(30);
        expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
        for (let i = 1; i < whole.length; i += 1) {
          expect(compareLogPositions(whole[i - 1]!.position, whole[i]!.position)).toBeLessThan(0);
        }
      });

      it('counts the events after a position, and says when the oldest of them was stored', async () => {
        await expect(store().backlog()).resolves.toEqual({ events: 0, oldestRecordedAt: undefined });
        const before = Date.now();
        await store().appendToStream('dossier-A', [testEvent(), testEvent()]);
        await store().appendToStream('dossier-B', [testEvent()]);
        const log = await readEverything(store());
        const whole = await store().backlog();
        expect(whole.events).toBe(3);
        // The store's clock may be another machine's: within a minute of ours.
        expect(Math.abs(Date.parse(whole.oldestRecordedAt ?? '') - before)).toBeLessThan(60_000);
        await expect(store().backlog(log[0]!.position)).resolves.toMatchObject({ events: 2 });
        await expect(store().backlog(log[2]!.position)).resolves.toEqual({ events: 0, oldestRecordedAt: undefined });
      });
    });

    describe('expected revisions', () => {
      it('names stream, expected and actual when the expectation fails', async () => {
        await store().appendToStream('dossier-A', [testEvent()], { expected: 'no_stream' });
        const error = await store()
          .appendToStream('dossier-A', [testEvent()], { expected: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', streamId: 'dossier-A', expected: 'no_stream', actual: 0n });
        await expect(store().appendToStream('dossier-A', [testEvent()], { expected: 5n })).rejects.toMatchObject({ expected: 5n, actual: 0n });
        await expect(store().appendToStream('dossier-Z', [testEvent()], { expected: 'stream_exists' })).rejects.toMatchObject({
          actual: 'no_stream',
        });
        await expect(store().appendToStream('dossier-A', [testEvent()], { expected: 0n })).resolves.toMatchObject({ nextExpectedRevision: 1n });
        await expect(store().appendToStream('dossier-A', [testEvent()], { expected: 'stream_exists' })).resolves.toMatchObject({
          nextExpectedRevision: 2n,
        });
      });

      it('stores nothing of a many-stream call when one stream fails its expectation', async () => {
        await store().appendToStream('dossier-A', [testEvent()]);
        await expect(
          store().appendToStreams([
            { streamId: 'dossier-B', expected: 'no_stream', events: [testEvent()] },
            { streamId: 'dossier-A', expected: 'no_stream', events: [testEvent()] },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect((await readEverything(store())).map((e) => e.streamId)).toEqual(['dossier-A']);
        await expect(store().readStream('dossier-B')).resolves.toEqual([]);
      });
    });

    describe('idempotency by event id', () => {
      it('treats a redelivered event (same id, same content) as a no-op that returns the stored position', async () => {
        const e = testEvent({ amountVnd: 150_000, nested: { a: 1, b: [1, 2] } });
        const first = await store().appendToStream('dossier-A', [e]);
        // Same content, keys in another order: still the same event.
        const again = await store().appendToStream('dossier-A', [
          { ...e, data: { nested: { b: [1, 2], a: 1 }, amountVnd: 150_000, n: (e.data as { n: number }).n } },
        ]);
        expect(again).toMatchObject({ appended: 0, duplicates: 1, nextExpectedRevision: 0n });
        expect(again.position).toEqual(first.position);
        const mixed = await store().appendToStreams([{ streamId: 'dossier-A', expected: 'any', events: [e, testEvent()] }]);
        expect(mixed).toMatchObject({ appended: 1, duplicates: 1 });
        expect((await readEverything(store())).filter((r) => r.id === e.id)).toHaveLength(1);
      });

      it('counts an id repeated within one call once', async () => {
        const e = testEvent();
        await expect(store().appendToStreams([{ streamId: 'dossier-A', expected: 'any', events: [e, e] }])).resolves.toMatchObject({
          appended: 1,
          duplicates: 1,
        });
      });

      it('refuses a reused id with different content, and stores nothing of that call', async () => {
        const e = testEvent();
        await store().appendToStream('dossier-A', [e]);
        const error = await store()
          .appendToStreams([
            { streamId: 'dossier-B', expected: 'any', events: [testEvent()] },
            { streamId: 'dossier-A', expected: 'any', events: [{ ...e, data: { changed: true } }] },
          ])
          .catch((x: unknown) => x);
        expect(error).toBeInstanceOf(DuplicateEventIdConflictError);
        expect(error).toMatchObject({ code: 'DUPLICATE_EVENT_ID_CONFLICT', eventId: e.id, streamId: 'dossier-A' });
        expect((await readEverything(store())).map((r) => r.id)).toEqual([e.id]);
      });
    });

    describe('concurrency', () => {
      it('a follower reading while several writers append sees every event exactly once, each stream in order', async () => {
        // Several writers contend for two shared streams: a store that orders its log by anything but
        // commit order per stream shows revisions out of order here.
        const writers = 6;
        const perWriter = 20;
        const follower = new LogFollower(store());
        const writing = { on: true };
        const following = (async () => {
          while (writing.on) await follower.catchUp(7);
        })();
        const appended = await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            const ids: string[] = [];
            for (let i = 0; i < perWriter; i += 1) {
              const events = [testEvent(), testEvent()];
              await store().appendToStreams([
                { streamId: `dossier-w${w}`, expected: 'any', events: events.slice(0, 1) },
                { streamId: `dossier-shared-${i % 2}`, expected: 'any', events: events.slice(1) },
              ]);
              ids.push(...events.map((e) => e.id));
            }
            return ids;
          }),
        );
        writing.on = false;
        await following;
        await follower.catchUp();
        const seen = follower.seen.map((e) => e.id);
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual(appended.flat().sort());
        const byStream = new Map<string, bigint[]>();
        for (const e of follower.seen) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.revision]);
        for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
      });

      it('a catch-up subscription hands out history, says when it is caught up, then delivers live events', async () => {
        await store().appendToStream('dossier-A', [testEvent(), testEvent(), testEvent()]);
        const controller = new AbortController();
        const pages = subscribeToAll(store(), { batchSize: 2, pollIntervalMs: 20, signal: controller.signal });
        const seen: string[] = [];
        let caughtUpAt = -1;
        const live = testEvent();
        for await (const page of pages) {
          seen.push(...page.events.map((e) => e.id));
          if (page.caughtUp && caughtUpAt < 0) {
            caughtUpAt = seen.length;
            await store().appendToStream('dossier-B', [live]);
          }
          if (seen.includes(live.id)) controller.abort();
        }
        expect(caughtUpAt).toBe(3);
        expect(seen).toHaveLength(4);
        expect(seen[3]).toBe(live.id);
      });

      if (harness.openConcurrent) {
        const openConcurrent = harness.openConcurrent.bind(harness);
        it('a follower never passes a transaction that is still open, and misses none of it once it commits', async () => {
          const concurrent = await openConcurrent();
          try {
            const { missed, repeated, readWhileHeld } = await heldTransactionScenario(concurrent);
            expect({ missed, repeated }).toEqual({ missed: [], repeated: [] });
            // Events committed after the held transaction wait behind it: order is commit-safe.
            expect(readWhileHeld).toEqual([]);
          } finally {
            await concurrent.close();
          }
        });
      }
    });
  });
}
