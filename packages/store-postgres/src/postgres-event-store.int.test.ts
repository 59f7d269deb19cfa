import { DuplicateEventIdConflictError, type StreamAppend } from '@tthc/core';
import { createTestDatabase, testEvent } from '@tthc/test-support';
import { openPostgresStores } from './open-postgres-stores';

/**
 * The append's first attempt takes every event for new and lets the unique event_id index say
 * otherwise. These cases must come out as if the stored events had been read first.
 */
describe('PostgreSQL appends that meet stored events', () => {
  let release: (() => void) | undefined;
  let entered: (() => void) | undefined;
  const inside = () => new Promise<void>((resolve) => (entered = resolve));
  const beforeCommit = async (appends: readonly StreamAppend[]) => {
    if (!appends.some((a) => a.streamId === 'dossier-held')) return;
    entered?.();
    await new Promise<void>((resolve) => (release = resolve));
  };

  async function fresh() {
    const db = await createTestDatabase();
    const stores = await openPostgresStores(db.url, { poolSize: 4, eventStore: { beforeCommit } });
    return {
      stores,
      close: async () => {
        await stores.close();
        await db.drop();
      },
    };
  }

  it('a redelivery followed by an exact expectation in the same call: the duplicate takes no revision', async () => {
    const { stores, close } = await fresh();
    try {
      const store = stores.eventStore;
      const e1 = testEvent();
      await store.appendToStream('dossier-A', [e1]);
      const e2 = testEvent();
      // Taken for new, e1 would move dossier-A to revision 1 and fail the expectation of 0.
      const outcome = await store.appendToStreams([
        { streamId: 'dossier-A', expected: 'any', events: [e1] },
        { streamId: 'dossier-A', expected: 0n, events: [e2] },
      ]);
      expect(outcome).toMatchObject({ appended: 1, duplicates: 1 });
      expect(outcome.streams.map((s) => s.nextExpectedRevision)).toEqual([0n, 1n]);
      expect((await store.readStream('dossier-A')).map((e) => [e.revision, e.id])).toEqual([
        [0n, e1.id],
        [1n, e2.id],
      ]);
    } finally {
      await close();
    }
  });

  it('a whole batch redelivered twice: duplicates with their stored positions, nothing written', async () => {
    const { stores, close } = await fresh();
    try {
      const store = stores.eventStore;
      const batch: StreamAppend[] = [
        { streamId: 'dossier-A', expected: 'any', events: [testEvent(), testEvent()] },
        { streamId: 'dossier-B', expected: 'any', events: [testEvent()] },
      ];
      const first = await store.appendToStreams(batch);
      for (let i = 0; i < 2; i += 1) {
        const again = await store.appendToStreams(batch);
        expect(again).toMatchObject({ appended: 0, duplicates: 3 });
        expect(again.streams.map((s) => s.position)).toEqual(first.streams.map((s) => s.position));
      }
      // And a fresh batch after them is appended as usual.
      await expect(store.appendToStreams([{ streamId: 'dossier-A', expected: 1n, events: [testEvent()] }])).resolves.toMatchObject({ appended: 1 });
      expect((await store.backlog()).events).toBe(4);
    } finally {
      await close();
    }
  });

  it('two writers of one new id in different streams: the one that commits later is refused as a conflict', async () => {
    const { stores, close } = await fresh();
    try {
      const store = stores.eventStore;
      const shared = testEvent();
      const held = inside();
      const first = store.appendToStreams([{ streamId: 'dossier-held', expected: 'any', events: [shared] }]);
      await held;
      const second = store.appendToStreams([{ streamId: 'dossier-B', expected: 'any', events: [shared] }]).catch((e: unknown) => e);
      // The second INSERT waits on the held transaction's row of the same id.
      for (let i = 0; i < 100; i += 1) {
        const { rows } = await stores.pool.query<{ waiting: string }>(
          "SELECT count(*)::text AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (rows[0]?.waiting !== '0') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      release?.();
      await expect(first).resolves.toMatchObject({ appended: 1 });
      const error = await second;
      expect(error).toBeInstanceOf(DuplicateEventIdConflictError);
      expect(error).toMatchObject({ eventId: shared.id, streamId: 'dossier-B' });
      await expect(store.readStream('dossier-B')).resolves.toEqual([]);
    } finally {
      await close();
    }
  });

  it('a call larger than one INSERT (10,001 events) is stored whole, with positions in call order', async () => {
    const { stores, close } = await fresh();
    try {
      const store = stores.eventStore;
      const appends: StreamAppend[] = Array.from({ length: 3334 }, (_, i) => ({
        streamId: `dossier-${i}`,
        expected: 'no_stream' as const,
        events: Array.from({ length: i === 3333 ? 2 : 3 }, () => testEvent()),
      }));
      const total = appends.reduce((n, a) => n + a.events.length, 0);
      expect(total).toBe(10_001);
      const outcome = await store.appendToStreams(appends);
      expect(outcome.appended).toBe(total);
      const positions = outcome.streams.map((s) => s.position?.prepare ?? -1n);
      expect(positions.every((p, i) => i === 0 || p > (positions[i - 1] ?? 0n))).toBe(true);
      expect((await store.backlog()).events).toBe(total);
      const streams = await store.readStreams(['dossier-0', 'dossier-3333']);
      expect(streams.get('dossier-3333')?.map((e) => e.revision)).toEqual([0n, 1n]);
    } finally {
      await close();
    }
  });
});
