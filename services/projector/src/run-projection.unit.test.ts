import {
  DAILY_COUNTS_PROJECTION,
  InMemoryEventStore,
  inMemoryProjectionStores,
  StoreUnavailableError,
  type DailyCountsStore,
  type EventStore,
  type ProjectionStore,
} from '@tthc/core';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@tthc/logging';
import { appendDataset, generateDemoDataset, liveView, referenceView } from '@tthc/test-support';
import { ProjectionLockedError } from './lease';
import { replayProjection } from './replay';
import { projectVersion, runProjection, type ProjectionStores } from './run-projection';

const waitUntil = async (check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const liveEvents = async ({ projectionStore }: { projectionStore: ProjectionStore }) =>
  (await projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION))?.events ?? 0;

const logger = createLogger({ level: 'silent' });
const { events } = generateDemoDataset({ seed: 4, dossiers: 600, period: { from: '2024-01-01', to: '2024-06-30' } });

/** Wraps a store so that chosen calls (by method and call number) fail with STORE_UNAVAILABLE, before or after doing their work. */
function faulty<T extends object>(target: T, faults: Record<string, { before?: number[]; after?: number[] }>): { store: T; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const store = new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver) as unknown;
      if (typeof key !== 'string' || typeof value !== 'function' || !(key in faults)) return value;
      return async (...args: unknown[]) => {
        const call = (calls.get(key) ?? 0) + 1;
        calls.set(key, call);
        if (faults[key]?.before?.includes(call)) throw new StoreUnavailableError(`${key} #${call}: connection refused`);
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        // The work was done but its answer lost: a commit the caller cannot know succeeded.
        if (faults[key]?.after?.includes(call)) throw new StoreUnavailableError(`${key} #${call}: connection lost after commit`);
        return result;
      };
    },
  });
  return { store, calls };
}

describe('the projection runner', () => {
  let eventStore: InMemoryEventStore;
  beforeEach(async () => {
    eventStore = new InMemoryEventStore();
    await appendDataset(eventStore, events);
  });
  /** A runner to the end of the log that waits as a standby while the version is held; counts its standby turns. */
  const waitAsStandby = (projections: ProjectionStores) => {
    const standby = { count: 0 };
    const waiting = runProjection(eventStore, projections, {
      logger,
      untilCaughtUp: true,
      whenLocked: 'wait',
      leaseTtlMs: 150,
      onStandby: () => (standby.count += 1),
    });
    return { waiting, standby };
  };

  it('backs off while the store is unavailable and resumes from its checkpoint, losing and repeating nothing', async () => {
    const projections = inMemoryProjectionStores();
    const { store: flakyEvents, calls: reads } = faulty<EventStore>(eventStore, { readAll: { before: [2, 3, 4, 9] } });
    const { store: flakyView, calls: commits } = faulty<DailyCountsStore>(projections.dailyCountsStore, {
      commit: { before: [3], after: [5, 6] },
      loadDossiers: { before: [8] },
    });
    const flakyViews = { ...projections, dailyCountsStore: flakyView };
    const warnings: { msg: string; delayMs?: number }[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (line: string) => warnings.push(JSON.parse(line) as { msg: string }) } });
    const result = await runProjection(flakyEvents, flakyViews, {
      logger: log,
      untilCaughtUp: true,
      batchSize: 200,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    expect(reads.get('readAll')).toBeGreaterThan(10);
    expect(commits.get('commit')).toBeGreaterThan(6);
    // Backoff doubles and is capped (jitter is ±25%).
    const delays = warnings.filter((w) => w.msg === 'store unavailable: retrying').map((w) => w.delayMs ?? 0);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...delays)).toBeLessThanOrEqual(25);
    expect(warnings.some((w) => w.msg === 'store unavailable: resuming from the checkpoint')).toBe(true);
    // Every event counted once: the two commits whose answer was lost were not applied again.
    expect(result.events).toBe(events.length);
    await expect(projections.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION)).resolves.toMatchObject({ events: events.length });
    expect(await liveView(projections)).toEqual(await referenceView(eventStore));
  });

  it('keeps the rate of its recent batches with the version', async () => {
    const projections = inMemoryProjectionStores();
    await runProjection(eventStore, projections, { logger, untilCaughtUp: true, batchSize: 300 });
    const [live] = await projections.projectionStore.listVersions(DAILY_COUNTS_PROJECTION);
    expect(live?.rate).toBeGreaterThan(0);
  });

  it('fails fast naming the runner that holds the version, or waits as a standby until it is free', async () => {
    const projections = inMemoryProjectionStores();
    const live = await projections.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
    await projections.projectionStore.acquireLease(live, 'host-a:123:abc', 60_000);
    const error = await runProjection(eventStore, projections, { logger, untilCaughtUp: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectionLockedError);
    expect((error as Error).message).toMatch(/projection daily-counts version 1 is being run by host-a:123:abc/);

    const { waiting, standby } = waitAsStandby(projections);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(standby.count).toBe(1);
    await projections.projectionStore.releaseLease(live, 'host-a:123:abc');
    await expect(waiting).resolves.toEqual({ events: events.length, version: live.version });
  });

  it('stops waiting as a standby when asked to stop', async () => {
    const projections = inMemoryProjectionStores();
    const live = await projections.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
    await projections.projectionStore.acquireLease(live, 'elsewhere', 60_000);
    const stop = new AbortController();
    const waiting = runProjection(eventStore, projections, { logger, signal: stop.signal, leaseTtlMs: 150 });
    setTimeout(() => stop.abort(), 50);
    await expect(waiting).resolves.toEqual({ events: 0, version: undefined });
  });

  it('moves to the new live version when the one it waits for as a standby is retired', async () => {
    const projections = inMemoryProjectionStores();
    const v1 = await projections.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
    await projections.projectionStore.acquireLease(v1, 'elsewhere', 60_000);
    const { waiting, standby } = waitAsStandby(projections);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(standby.count).toBe(1);
    const v2 = await projections.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'building');
    await projections.projectionStore.switchLive(v2);
    await expect(waiting).resolves.toEqual({ events: events.length, version: v2.version });
  });

  it('commits a batch every batch-size events, reading the log a page at a time, and writes each dossier once per batch', async () => {
    const batches: { events: number; dossiers: string[] }[] = [];
    // The stores, with each commit's batch noted.
    const recording = (target: ReturnType<typeof inMemoryProjectionStores>) => ({
      ...target,
      dailyCountsStore: new Proxy(target.dailyCountsStore, {
        get(t, key, receiver) {
          if (key !== 'commit') return Reflect.get(t, key, receiver) as unknown;
          return (...args: Parameters<DailyCountsStore['commit']>) => {
            batches.push({ events: args[1].events, dossiers: args[1].dossiers.map((d) => d.dossierCode) });
            return t.commit(...args);
          };
        },
      }),
    });
    const projections = inMemoryProjectionStores();
    await runProjection(eventStore, recording(projections), { logger, untilCaughtUp: true, batchSize: 1000 });
    expect(batches.map((b) => b.events)).toEqual(
      [...Array.from({ length: Math.floor(events.length / 1000) }, () => 1000), events.length % 1000].filter((n) => n > 0),
    );
    for (const b of batches) expect(new Set(b.dossiers).size).toBe(b.dossiers.length);
    // With room for the whole log in one batch, each dossier is written once.
    const once = inMemoryProjectionStores();
    batches.length = 0;
    await runProjection(eventStore, recording(once), { logger, untilCaughtUp: true, batchSize: 100_000 });
    expect(batches).toHaveLength(1);
    expect(batches[0]?.dossiers).toHaveLength(600);
    expect(await liveView(projections)).toEqual(await referenceView(eventStore));
  });

  it('holds no summary of a dossier that can take no further event: one sent later is read from the view and skipped, not counted as new', async () => {
    const expected = await referenceView(eventStore);
    const last = new Map(events.map((e) => [e.subject, e] as const));
    const returned = [...last.values()].find((e) => e.type === 'vn.gov.tthc.dossier.result-returned.v1');
    const received = events.find((e) => e.subject === returned?.subject && e.type === 'vn.gov.tthc.dossier.received.v2');
    if (!returned || !received) throw new Error('the dataset has no returned dossier');
    // The same dossier received again, long after its result was returned: a lifecycle violation.
    await appendDataset(eventStore, [{ ...received, id: randomUUID() }]);
    const views = inMemoryProjectionStores();
    const read: string[] = [];
    const recording = {
      ...views,
      dailyCountsStore: new Proxy(views.dailyCountsStore, {
        get(target, key, receiver) {
          if (key === 'loadDossiers') {
            return (...args: Parameters<DailyCountsStore['loadDossiers']>) => {
              read.push(...args[1]);
              return target.loadDossiers(...args);
            };
          }
          return Reflect.get(target, key, receiver) as unknown;
        },
      }),
    };
    await runProjection(eventStore, recording, { logger, untilCaughtUp: true, batchSize: 100 });
    expect(read).toEqual([returned.subject]);
    expect(await liveView(views)).toEqual(expected);
  });

  it('keeps dossier summaries in memory, reading from the view only those it has no room for, with the same view', async () => {
    const views = inMemoryProjectionStores();
    const { store, calls } = faulty<DailyCountsStore>(views.dailyCountsStore, { loadDossiers: {} });
    await runProjection(eventStore, { ...views, dailyCountsStore: store }, { logger, untilCaughtUp: true, batchSize: 300 });
    // A version projected from its start holds every dossier it has seen: nothing to read back.
    expect(calls.get('loadDossiers') ?? 0).toBe(0);

    const cramped = inMemoryProjectionStores();
    const { store: small, calls: reads } = faulty<DailyCountsStore>(cramped.dailyCountsStore, { loadDossiers: {} });
    const live = await cramped.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
    await cramped.projectionStore.acquireLease(live, 'me', 60_000);
    const lost = new AbortController().signal;
    await projectVersion(eventStore, { ...cramped, dailyCountsStore: small }, live, {
      owner: 'me',
      lost,
      logger,
      untilCaughtUp: true,
      batchSize: 50,
      statesCapacity: 5,
    });
    expect(reads.get('loadDossiers')).toBeGreaterThan(0);
    expect(await liveView(cramped)).toEqual(await referenceView(eventStore));
  });

  it('forgets its summaries when it loses the lease: after another runner projected meanwhile, it reads theirs back and counts nothing twice', async () => {
    const log = new InMemoryEventStore();
    const third = Math.floor(events.length / 3);
    await appendDataset(log, events.slice(0, third));
    const views = inMemoryProjectionStores();
    let away = false;
    // While `away`, runner A's renewals fail and the version looks held by B: A loses its lease and waits.
    const forA = new Proxy(views.projectionStore, {
      get(target, key, receiver) {
        if (key === 'renewLease') return (...args: Parameters<ProjectionStore['renewLease']>) => (away ? Promise.resolve(false) : target.renewLease(...args));
        if (key === 'acquireLease') {
          return (...args: Parameters<ProjectionStore['acquireLease']>) =>
            away
              ? Promise.resolve({ acquired: false, holder: { owner: 'runner-b', expiresAt: new Date(Date.now() + 60_000).toISOString() } })
              : target.acquireLease(...args);
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const stop = new AbortController();
    let standby = false;
    const runnerA = runProjection(
      log,
      { ...views, projectionStore: forA },
      { logger, owner: 'runner-a', signal: stop.signal, leaseTtlMs: 90, pollIntervalMs: 10, batchSize: 200, onStandby: () => (standby = true) },
    );
    await waitUntil(async () => (await liveEvents(views)) === third);
    away = true;
    await waitUntil(() => Promise.resolve(standby));
    const live = (await views.projectionStore.listVersions(DAILY_COUNTS_PROJECTION))[0];
    // A gave its lease back when it noticed the loss (or it expires): B can take it.
    await waitUntil(async () => {
      const lease = live && (await views.projectionStore.readVersion(live))?.lease;
      return lease === undefined || Date.parse(lease.expiresAt) < Date.now();
    });
    await appendDataset(log, events.slice(third, 2 * third));
    await runProjection(log, views, { logger, owner: 'runner-b', untilCaughtUp: true, batchSize: 200 });
    expect(await liveEvents(views)).toBe(2 * third);
    away = false;
    await appendDataset(log, events.slice(2 * third));
    await waitUntil(async () => (await liveEvents(views)) === events.length);
    stop.abort();
    await runnerA;
    expect(await liveView(views)).toEqual(await referenceView(eventStore));
  });

  it('replays a projection that was never projected straight into its first live version', async () => {
    const projections = inMemoryProjectionStores();
    const summary = await replayProjection(eventStore, projections, { projection: DAILY_COUNTS_PROJECTION, logger });
    expect(summary).toMatchObject({ fromVersion: null, toVersion: 1, events: events.length, switched: true });
    expect(await liveView(projections)).toEqual(await referenceView(eventStore));
  });
});
