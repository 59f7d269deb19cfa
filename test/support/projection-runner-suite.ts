import {
  appendsByDossier,
  DAILY_COUNTS_PROJECTION,
  inMemoryProjectionStores,
  type AnyVersionDossierEvent,
  type EventStore,
  type ProjectionLease,
  type ProjectionStore,
  type ViewCountRow,
  type ViewDossierRow,
} from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { projectionStatus, replayProjection, runProjection, type ProjectionStores, type ReplaySummary } from '@tthc/projector';
import { sleep } from '@tthc/retry';
import { generateDemoDataset } from './demo-dataset';

/** One process's view of a store: its own connection (pool, file handle) to the same database. */
export interface StoreConnection extends ProjectionStores {
  readonly eventStore: EventStore;
  close(): Promise<void>;
}

export interface ProjectionRunnerHarness {
  /** A fresh, empty store; each `connect` opens it again, as another process would. */
  fresh(): Promise<{ connect(): Promise<StoreConnection>; drop(): Promise<void> }>;
}

const logger = createLogger({ level: 'silent' });
const PERIOD = { from: '2024-01-01', to: '2024-06-30' };

/** Polls until `check` holds, or fails naming what it waited for. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** Appends events as ingest would: in time order, a chunk at a time, one stream per dossier. */
export async function appendDataset(store: EventStore, events: readonly AnyVersionDossierEvent[], chunk = 1000): Promise<void> {
  for (let i = 0; i < events.length; i += chunk) await store.appendToStreams(appendsByDossier(events.slice(i, i + chunk)));
}

export type ViewContents = { counts: ViewCountRow[]; dossiers: ViewDossierRow[] };

/** Every row of the live daily-counts version, in the port's order. */
export async function liveView({ projectionStore, dailyCountsStore }: ProjectionStores): Promise<ViewContents> {
  const live = (await projectionStore.listVersions(DAILY_COUNTS_PROJECTION)).find((v) => v.status === 'live');
  if (!live) throw new Error('no live version');
  return dailyCountsStore.dumpView(live);
}

/** The view the log should give: projected from scratch into the in-memory reference store. */
export async function referenceView(eventStore: EventStore): Promise<ViewContents> {
  const reference = inMemoryProjectionStores();
  await runProjection(eventStore, reference, { logger, untilCaughtUp: true });
  return liveView(reference);
}

const liveEvents = async (store: ProjectionStore) => (await store.readCheckpoint(DAILY_COUNTS_PROJECTION))?.events ?? 0;

/**
 * Runners and replays against a real store, several connections at once: one active runner per
 * version, standbys and fail-fast, replay identical to the first projection, resumable, and a
 * follower that moves to the new version after a switch.
 */
export function projectionRunnerSuite(name: string, harness: ProjectionRunnerHarness): void {
  describe(`projection runners: ${name}`, () => {
    const dataset = generateDemoDataset({ seed: 7, dossiers: 2000, period: PERIOD });
    const events = dataset.events;
    let db: { connect(): Promise<StoreConnection>; drop(): Promise<void> };
    const opened: StoreConnection[] = [];
    const connect = async () => {
      const c = await db.connect();
      opened.push(c);
      return c;
    };
    beforeEach(async () => {
      db = await harness.fresh();
    });
    afterEach(async () => {
      for (const c of opened.splice(0)) await c.close();
      await db.drop();
    });

    it('runs one runner per version: another fails fast naming it, or waits as a standby and takes over when it stops', async () => {
      const a = await connect();
      const b = await connect();
      await appendDataset(a.eventStore, events.slice(0, 2000));
      const stopA = new AbortController();
      const runnerA = runProjection(a.eventStore, a, { logger, owner: 'runner-a', signal: stopA.signal, pollIntervalMs: 20, leaseTtlMs: 2000, batchSize: 500 });
      await until('runner A has caught up', async () => (await liveEvents(b.projectionStore)) === 2000);

      const failFast = runProjection(b.eventStore, b, { logger, owner: 'runner-b', untilCaughtUp: true });
      await expect(failFast).rejects.toMatchObject({ code: 'PROJECTION_LOCKED', message: expect.stringContaining('runner-a') as string });

      const stopB = new AbortController();
      let standbyBehind: ProjectionLease | undefined;
      const runnerB = runProjection(b.eventStore, b, {
        logger,
        owner: 'runner-b',
        signal: stopB.signal,
        pollIntervalMs: 20,
        leaseTtlMs: 2000,
        batchSize: 500,
        onStandby: (holder) => (standbyBehind = holder),
      });
      await until('runner B waits as a standby', () => Promise.resolve(standbyBehind !== undefined));
      expect(standbyBehind?.owner).toBe('runner-a');

      await appendDataset(b.eventStore, events.slice(2000, 4000));
      await until('runner A has projected the new events', async () => (await liveEvents(b.projectionStore)) === 4000);
      stopA.abort();
      await expect(runnerA).resolves.toMatchObject({ events: 4000 });

      await appendDataset(a.eventStore, events.slice(4000));
      await until('runner B has taken over', async () => (await liveEvents(a.projectionStore)) === events.length);
      const live = (await a.projectionStore.listVersions(DAILY_COUNTS_PROJECTION))[0];
      expect(live?.lease?.owner).toBe('runner-b');
      stopB.abort();
      await expect(runnerB).resolves.toMatchObject({ events: events.length - 4000 });
      // Nothing lost, nothing counted twice across the hand-over.
      expect(await liveView(a)).toEqual(await referenceView(a.eventStore));
    });

    it('takes over from a runner that died holding the lease once the lease expires', async () => {
      const a = await connect();
      await appendDataset(a.eventStore, events.slice(0, 1000));
      const live = await a.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
      await a.projectionStore.acquireLease(live, 'runner-that-died', 400);
      const b = await connect();
      let standby = false;
      const started = Date.now();
      await runProjection(b.eventStore, b, {
        logger,
        owner: 'runner-b',
        untilCaughtUp: true,
        whenLocked: 'wait',
        leaseTtlMs: 600,
        onStandby: () => (standby = true),
      });
      expect(standby).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await expect(liveEvents(b.projectionStore)).resolves.toBe(1000);
    });

    it('replays into a new version identical to the first projection, and switches reads to it', async () => {
      const c = await connect();
      await appendDataset(c.eventStore, events);
      await runProjection(c.eventStore, c, { logger, untilCaughtUp: true, batchSize: 1000 });
      const before = await liveView(c);
      const totalsBefore = await c.dailyCountsStore.totals(PERIOD);
      const [v1] = await c.projectionStore.listVersions(DAILY_COUNTS_PROJECTION);

      const summary = await replayProjection(c.eventStore, c, { projection: DAILY_COUNTS_PROJECTION, logger, batchSize: 1000 });
      expect(summary).toMatchObject({ projection: DAILY_COUNTS_PROJECTION, fromVersion: v1?.version, events: events.length, resumed: false, switched: true });
      expect(summary.toVersion).toBeGreaterThan(v1?.version ?? 0);
      expect(summary.eventsPerSecond).toBeGreaterThan(0);

      const after = await liveView(c);
      expect(after.counts.length).toBeGreaterThan(0);
      expect(after.dossiers).toHaveLength(2000);
      expect(after).toEqual(before);
      expect(after).toEqual(await referenceView(c.eventStore));
      expect(await c.dailyCountsStore.totals(PERIOD)).toEqual(expect.arrayContaining(totalsBefore));
      expect((await c.projectionStore.listVersions(DAILY_COUNTS_PROJECTION)).map((v) => [v.version, v.status])).toEqual([
        [v1?.version, 'retired'],
        [summary.toVersion, 'live'],
      ]);
      // The retired version's rows are gone.
      await expect(c.dailyCountsStore.dumpView({ projection: DAILY_COUNTS_PROJECTION, version: v1?.version ?? 0 })).resolves.toEqual({
        counts: [],
        dossiers: [],
      });
    });

    it('resumes an interrupted replay from its checkpoint and ends with the same view; the live version serves meanwhile', async () => {
      const c = await connect();
      await appendDataset(c.eventStore, events);
      await runProjection(c.eventStore, c, { logger, untilCaughtUp: true });
      const before = await liveView(c);

      const stop = new AbortController();
      let calls = 0;
      const first = await replayProjection(c.eventStore, c, {
        projection: DAILY_COUNTS_PROJECTION,
        logger,
        batchSize: 500,
        signal: stop.signal,
        // The first call reports the start; the second, the first batch: stop there.
        onProgress: () => {
          calls += 1;
          if (calls === 2) stop.abort();
        },
      });
      expect(first).toMatchObject({ events: 500, switched: false, resumed: false });
      const status = await projectionStatus(c.eventStore, c.projectionStore, DAILY_COUNTS_PROJECTION);
      expect(status).toMatchObject({
        events: events.length,
        lag: { events: 0, seconds: 0 },
        building: { version: first.toVersion, events: 500, total: events.length },
      });
      // Reports still read the live version, whole.
      expect(await liveView(c)).toEqual(before);

      const second: ReplaySummary = await replayProjection(c.eventStore, c, { projection: DAILY_COUNTS_PROJECTION, logger, batchSize: 500 });
      expect(second).toMatchObject({ toVersion: first.toVersion, events: events.length - 500, resumed: true, switched: true });
      expect(await liveView(c)).toEqual(before);
      await expect(c.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION)).resolves.toMatchObject({ events: events.length });
    });

    it('refuses a second replay of the same projection while one runs, naming its runner', async () => {
      const c = await connect();
      await appendDataset(c.eventStore, events.slice(0, 500));
      const building = await c.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'building');
      await c.projectionStore.acquireLease(building, 'replay-elsewhere', 30_000);
      const other = await connect();
      await expect(replayProjection(other.eventStore, other, { projection: DAILY_COUNTS_PROJECTION, logger })).rejects.toMatchObject({
        code: 'PROJECTION_LOCKED',
        message: expect.stringContaining('replay-elsewhere') as string,
      });
    });

    it('moves a following runner to the new version when a replay switches, so the new live version keeps up', async () => {
      const a = await connect();
      const b = await connect();
      await appendDataset(a.eventStore, events.slice(0, 3000));
      const stop = new AbortController();
      const follower = runProjection(a.eventStore, a, { logger, owner: 'follower', signal: stop.signal, pollIntervalMs: 20, leaseTtlMs: 2000 });
      await until('the follower has caught up', async () => (await liveEvents(b.projectionStore)) === 3000);
      const summary = await replayProjection(b.eventStore, b, { projection: DAILY_COUNTS_PROJECTION, logger, batchSize: 700 });
      expect(summary.switched).toBe(true);
      await appendDataset(b.eventStore, events.slice(3000));
      await until('the follower keeps the new version up', async () => (await liveEvents(b.projectionStore)) === events.length);
      const live = (await b.projectionStore.listVersions(DAILY_COUNTS_PROJECTION)).find((v) => v.status === 'live');
      expect(live).toMatchObject({ version: summary.toVersion, lease: { owner: 'follower' } });
      stop.abort();
      await follower;
      expect(await liveView(b)).toEqual(await referenceView(b.eventStore));
    });
    it('follows a writer beside it until told the writer is done, then projects to the end of the log and returns (the demo)', async () => {
      const writer = await connect();
      const runner = await connect();
      const finish = new AbortController();
      let returned = false;
      const beside = runProjection(runner.eventStore, runner, {
        logger,
        owner: 'beside',
        finish: finish.signal,
        whenLocked: 'fail',
        pollIntervalMs: 20,
        leaseTtlMs: 2000,
        batchSize: 500,
      }).finally(() => (returned = true));
      await appendDataset(writer.eventStore, events.slice(0, 1500));
      await until('the runner has caught up with the first part', async () => (await liveEvents(writer.projectionStore)) === 1500);
      // Caught up, but the writer is not done: it keeps following.
      await sleep(100);
      expect(returned).toBe(false);
      // The last events land just before the writer says it is done: the run must read them still.
      await appendDataset(writer.eventStore, events.slice(1500));
      finish.abort();
      await expect(beside).resolves.toMatchObject({ events: events.length });
      await expect(liveEvents(writer.projectionStore)).resolves.toBe(events.length);
      expect((await writer.projectionStore.listVersions(DAILY_COUNTS_PROJECTION))[0]?.lease).toBeUndefined();
      expect(await liveView(writer)).toEqual(await referenceView(writer.eventStore));
    });
  });
}
