import {
  compareLogPositions,
  DuplicateEventIdConflictError,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@tthc/core';

import type { Opened } from './opened';

export interface EventStoreHarness {
  /** A fresh, empty store, and how to close what was opened for it. */
  open(): Promise<Opened<EventStore>>;
  /** Releases everything `open` created. */
  dispose?(): Promise<void>;
}

let counter = 0;
const event = (data: Record<string, unknown> = {}, type = 'test.happened.v1'): NewEvent => {
  counter += 1;
  return { id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, type, data: { n: counter, ...data } };
};

async function readEverything(store: EventStore, pageSize = 1000): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  let after: RecordedEvent['position'] | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]?.position;
  }
}

/** The behaviour every event-store adapter must show. Each adapter's spec calls this with its harness. */
export function eventStoreContract(name: string, harness: EventStoreHarness): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await harness.open());
    });
    afterEach(async () => {
      await close();
    });
    afterAll(async () => {
      await harness.dispose?.();
    });

    it('appends to a stream and reads the global log back in order, with stream revisions from 0', async () => {
      const events = [event(), event(), event()];
      await expect(store.appendToStreams([{ streamId: 'dossier-A', expected: 'no_stream', events }])).resolves.toEqual({
        appended: 3,
        duplicates: 0,
      });
      const log = await readEverything(store);
      expect(log.map((e) => [e.streamId, e.revision, e.id, e.data])).toEqual(events.map((e, i) => ['dossier-A', BigInt(i), e.id, e.data]));
    });

    it('appends many streams in one call and keeps each stream in its own order', async () => {
      const a = [event(), event()];
      const b = [event()];
      await store.appendToStreams([
        { streamId: 'dossier-A', expected: 'any', events: a },
        { streamId: 'dossier-B', expected: 'any', events: b },
      ]);
      await store.appendToStreams([{ streamId: 'dossier-A', expected: 1n, events: [event()] }]);
      const log = await readEverything(store);
      expect(log.filter((e) => e.streamId === 'dossier-A').map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(log.filter((e) => e.streamId === 'dossier-B').map((e) => e.revision)).toEqual([0n]);
    });

    it('treats a redelivered event (same id, same content) as a no-op', async () => {
      const e = event({ amountVnd: 150_000 });
      await store.appendToStreams([{ streamId: 'dossier-A', expected: 'any', events: [e] }]);
      const again = await store.appendToStreams([{ streamId: 'dossier-A', expected: 'any', events: [{ ...e, data: { ...(e.data as object) } }, event()] }]);
      expect(again).toEqual({ appended: 1, duplicates: 1 });
      expect((await readEverything(store)).filter((r) => r.id === e.id)).toHaveLength(1);
    });

    it('refuses a reused id with different content, and stores nothing of that call', async () => {
      const e = event();
      await store.appendToStreams([{ streamId: 'dossier-A', expected: 'any', events: [e] }]);
      const innocent = event();
      await expect(
        store.appendToStreams([
          { streamId: 'dossier-B', expected: 'any', events: [innocent] },
          { streamId: 'dossier-A', expected: 'any', events: [{ ...e, data: { changed: true } }] },
        ]),
      ).rejects.toBeInstanceOf(DuplicateEventIdConflictError);
      expect((await readEverything(store)).map((r) => r.id)).toEqual([e.id]);
    });

    it('checks expected revisions and names stream, expected and actual when they differ', async () => {
      await store.appendToStreams([{ streamId: 'dossier-A', expected: 'no_stream', events: [event()] }]);
      const error = await store.appendToStreams([{ streamId: 'dossier-A', expected: 'no_stream', events: [event()] }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', streamId: 'dossier-A', expected: 'no_stream', actual: 0n });
      await expect(store.appendToStreams([{ streamId: 'dossier-A', expected: 5n, events: [event()] }])).rejects.toMatchObject({
        actual: 0n,
      });
      await expect(store.appendToStreams([{ streamId: 'dossier-Z', expected: 'stream_exists', events: [event()] }])).rejects.toMatchObject({
        actual: 'no_stream',
      });
      await expect(store.appendToStreams([{ streamId: 'dossier-A', expected: 0n, events: [event()] }])).resolves.toEqual({
        appended: 1,
        duplicates: 0,
      });
    });

    it('pages through the log without skipping or repeating, positions strictly increasing', async () => {
      for (let i = 0; i < 10; i += 1) {
        await store.appendToStreams([
          { streamId: `dossier-${i % 3}`, expected: 'any', events: [event(), event()] },
          { streamId: `dossier-x${i}`, expected: 'any', events: [event()] },
        ]);
      }
      const whole = await readEverything(store, 1000);
      const paged = await readEverything(store, 4);
      expect(whole).toHaveLength(30);
      expect(paged.map((e) => e.id)).toEqual(whole.map((e) => e.id));
      for (let i = 1; i < whole.length; i += 1) {
        expect(compareLogPositions(whole[i - 1]!.position, whole[i]!.position)).toBeLessThan(0);
      }
    });
  });
}
