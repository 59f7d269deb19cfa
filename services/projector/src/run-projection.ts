import {
  DAILY_COUNTS_PROJECTION,
  formatLogPosition,
  ProjectionLeaseLostError,
  ProjectionVersionNotFoundError,
  ProjectionVersionRetiredError,
  StoreUnavailableError,
  type DailyCountsStore,
  type EventStore,
  type ProjectionLease,
  type ProjectionStore,
  type ProjectionVersionRef,
  type RecordedEvent,
} from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { retryWhileUnavailable, StoppedWhileUnavailableError, type RetryOptions, sleep } from '@tthc/retry';
import { PROJECTOR_DEFAULTS } from './defaults';
import { holdLease, runnerId } from './lease';
import { DossierStates, PendingBatch } from './project-batch';

export interface BatchProgress {
  readonly version: number;
  /** Events this run has projected. */
  readonly events: number;
  /** Events the version has read since it started, this run's and earlier runs'. */
  readonly versionEvents: number;
  readonly position: string;
  /** Events per second over the recent batches. */
  readonly rate: number;
}

/**
 * What a runner works on: the projection machinery (versions, checkpoints, leases) and the view it
 * folds the log into, which commits its rows in the machinery's transaction. Both from one store.
 */
export interface ProjectionStores {
  readonly projectionStore: ProjectionStore;
  readonly dailyCountsStore: DailyCountsStore;
}

/** How a version run ended: at the end of the log, asked to stop, replaced by a newer version, or its lease taken. */
export type VersionEnd = 'caught-up' | 'stopped' | 'retired' | 'lease-lost';

export interface ProjectVersionOptions {
  readonly owner: string;
  /** Aborts when the runner's lease is lost; the run ends after the batch in hand. */
  readonly lost: AbortSignal;
  readonly logger: Logger;
  /** Events per view transaction, at most (default PROJECTOR_DEFAULTS.batchSize). */
  readonly batchSize?: number;
  /** Commit the batch in hand after this long even if it holds fewer events (default PROJECTOR_DEFAULTS.commitIntervalMs). */
  readonly commitIntervalMs?: number;
  /** Dossier summaries kept in memory between commits (default PROJECTOR_DEFAULTS.statesCapacity). */
  readonly statesCapacity?: number;
  readonly pollIntervalMs?: number;
  /** Return once the log is read to its end instead of following it. */
  readonly untilCaughtUp?: boolean;
  /**
   * Follows the log until this aborts, then returns at its end as `untilCaughtUp` does: for a run
   * beside a writer that says when it is done (the demo's ingest).
   */
  readonly finish?: AbortSignal | undefined;
  /** Stops once the commit in flight ends; what it folded since is read again by the next run. */
  readonly signal?: AbortSignal | undefined;
  readonly onBatch?: ((progress: BatchProgress) => void) | undefined;
  /** Backoff while the store is unavailable (defaults: 200 ms doubling up to 10 s). */
  readonly retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'> | undefined;
}

/** Events per second over the last few batches, each timed from its read to its commit. */
class RecentRate {
  private readonly batches: { events: number; ms: number }[] = [];

  add(events: number, ms: number): void {
    this.batches.push({ events, ms });
    if (this.batches.length > 10) this.batches.shift();
  }

  /** With a batch in hand not yet counted. */
  rate(events = 0, ms = 0): number {
    const total = this.batches.reduce((t, b) => ({ events: t.events + b.events, ms: t.ms + b.ms }), { events, ms });
    return total.ms > 0 ? Math.round((total.events / total.ms) * 1000 * 10) / 10 : 0;
  }
}

/** Events per read of the log: the next one is read while this one is folded. */
export const READ_PAGE_SIZE = 5000;

/**
 * Projects the log into one version from its checkpoint under the runner's lease: it folds pages of
 * the log in memory and commits a batch (the view changes with the new checkpoint, in one
 * transaction) every `batchSize` events, every `commitIntervalMs`, and at the end of the log. The
 * dossier summaries it commits stay in memory (bounded) while the session lasts, so it reads from
 * the view only dossiers it has not seen. While the store is unavailable it waits with capped
 * exponential backoff; it then starts a new session from the checkpoint it reads back, with nothing
 * in memory, so a batch whose commit failed (or committed just before the connection dropped) is
 * neither lost nor counted twice.
 */
export async function projectVersion(
  eventStore: EventStore,
  { projectionStore, dailyCountsStore }: ProjectionStores,
  ref: ProjectionVersionRef,
  options: ProjectVersionOptions,
): Promise<{ end: VersionEnd; events: number; versionEvents: number }> {
  const log = options.logger.child({ projection: ref.projection, version: ref.version });
  const batchSize = options.batchSize ?? PROJECTOR_DEFAULTS.batchSize;
  const pageSize = Math.min(batchSize, READ_PAGE_SIZE);
  const commitIntervalMs = options.commitIntervalMs ?? PROJECTOR_DEFAULTS.commitIntervalMs;
  const stop = options.signal ? AbortSignal.any([options.signal, options.lost]) : options.lost;
  const recent = new RecentRate();
  let startEvents: number | undefined;
  let versionEvents = 0;

  const session = async (): Promise<VersionEnd | 'resume'> => {
    const version = await projectionStore.readVersion(ref);
    if (!version) throw new ProjectionVersionNotFoundError(ref);
    if (version.status === 'retired') return 'retired';
    // The position of the last event read: pending batches run ahead of the checkpoint.
    let after = version.checkpoint?.position;
    versionEvents = version.checkpoint?.events ?? 0;
    startEvents ??= versionEvents;
    // Set by a commit that lands, which may be after the loop has moved on.
    const progress = { committed: false };
    let ahead: Promise<RecordedEvent[]> | undefined;
    const finished = (): boolean => options.untilCaughtUp === true || options.finish?.aborted === true;
    // What this session knows of the view: valid while it holds the lease, since only the holder commits.
    const states = new DossierStates(options.statesCapacity ?? PROJECTOR_DEFAULTS.statesCapacity, { empty: version.checkpoint === undefined });
    let pending = new PendingBatch();
    let pendingSince = 0;
    // At most one commit in flight, while the next batch is folded.
    let inFlight: Promise<void> | undefined;

    const startCommit = (): void => {
      if (pending.events === 0) return;
      const folded = pending;
      const since = pendingSince;
      const batch = folded.toBatch();
      const rate = recent.rate(batch.events, performance.now() - since);
      // The next batch folds on from these summaries before the commit ends; if it fails, the
      // session ends and its states with it.
      states.remember(folded.dossiers);
      pending = new PendingBatch();
      const commit = async (): Promise<void> => {
        await dailyCountsStore.commit({ ...ref, owner: options.owner }, { ...batch, rate });
        progress.committed = true;
        recent.add(batch.events, performance.now() - since);
        versionEvents += batch.events;
        const position = formatLogPosition(batch.checkpoint);
        for (const s of folded.skipped) log.debug({ position: formatLogPosition(s.position), reason: s.reason }, 'event skipped');
        log.info(
          {
            events: batch.events,
            dossiers: batch.dossiers.length,
            readBack: folded.readBack,
            counts: batch.increments.length,
            skipped: folded.skipped.length,
            position,
            rate,
          },
          'batch projected',
        );
        options.onBatch?.({ version: ref.version, events: versionEvents - (startEvents ?? 0), versionEvents, position, rate: recent.rate() });
      };
      inFlight = commit();
      inFlight.catch(() => undefined); // awaited (and its error seen) by settle
    };
    /** Waits for the commit in flight; then every summary in `states` is in the view, and some may be forgotten. */
    const settle = async (): Promise<void> => {
      const commit = inFlight;
      inFlight = undefined;
      if (commit) await commit;
      states.trim();
    };

    try {
      for (;;) {
        if (options.lost.aborted) {
          await settle();
          return 'lease-lost';
        }
        if (options.signal?.aborted) {
          // The commit in flight ends; events folded since are not committed, and the next run reads them again.
          await settle();
          return 'stopped';
        }
        if (pending.events === 0) pendingSince = performance.now();
        // A synchronous store (SQLite) settles every promise at once: let timers run between pages,
        // or the lease would never be renewed and a stop signal never seen during a long run.
        await new Promise((resolve) => setImmediate(resolve));
        // Only a page read after the writer was done, and with no commit of this runner's in flight,
        // shows the end of the log: a page read ahead beside a commit may miss later transactions
        // (PostgreSQL shows none newer than the oldest one open), so a short one is read again.
        const fromAhead = ahead !== undefined;
        const finishing = !fromAhead && finished();
        const page = await (ahead ?? eventStore.readAll({ after, limit: pageSize }));
        ahead = undefined;
        const last = page[page.length - 1];
        if (last) after = last.position;
        if (last && page.length === pageSize) {
          // Read the next page while this one is folded and committed: the log does not depend on the view.
          ahead = eventStore.readAll({ after: last.position, limit: pageSize });
          ahead.catch(() => undefined); // awaited (and its error seen) on the next turn
        }
        if (page.length > 0) {
          const unknown = pending.unknownCodes(page, states);
          if (unknown.length > 0) {
            states.remember(await dailyCountsStore.loadDossiers(ref, unknown));
            pending.readBack += unknown.length;
          }
          pending.fold(page, states);
        }
        const caughtUp = page.length < pageSize;
        // Commit before a page would take the batch past batchSize.
        if (caughtUp || pending.events + pageSize > batchSize || performance.now() - pendingSince >= commitIntervalMs) {
          await settle();
          if (stop.aborted) continue; // stopped or lease lost meanwhile: handled at the top of the loop
          startCommit();
        }
        if (caughtUp) await settle();
        if (caughtUp && finishing) return 'caught-up';
        if (caughtUp && !(fromAhead && finished()))
          await sleep(options.pollIntervalMs ?? PROJECTOR_DEFAULTS.pollIntervalMs, options.finish ? AbortSignal.any([stop, options.finish]) : stop);
      }
    } catch (error) {
      // A commit still in flight lands or fails before anyone reads the checkpoint again.
      await inFlight?.catch(() => undefined);
      if (error instanceof ProjectionVersionRetiredError) return 'retired';
      if (error instanceof ProjectionLeaseLostError) return 'lease-lost';
      if (error instanceof StoreUnavailableError && progress.committed) {
        // This session made progress: start again at once from the checkpoint, and back off if that fails.
        log.warn({ err: error }, 'store unavailable: resuming from the checkpoint');
        return 'resume';
      }
      throw error;
    }
  };

  for (;;) {
    let end: VersionEnd | 'resume';
    try {
      end = await retryWhileUnavailable(session, { logger: log, signal: stop, ...options.retry });
    } catch (error) {
      if (!(error instanceof StoppedWhileUnavailableError)) throw error;
      end = options.lost.aborted ? 'lease-lost' : 'stopped';
    }
    if (end !== 'resume') return { end, events: versionEvents - (startEvents ?? versionEvents), versionEvents };
  }
}

export interface RunProjectionOptions {
  readonly projection?: string;
  readonly batchSize?: number;
  readonly logger: Logger;
  /** Return once the log is read to its end instead of following it. */
  readonly untilCaughtUp?: boolean;
  /** Following until this aborts, then to the end of the log (see ProjectVersionOptions.finish). */
  readonly finish?: AbortSignal;
  readonly pollIntervalMs?: number;
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Stops following after the batch in hand (or stops waiting as a standby). */
  readonly signal?: AbortSignal;
  /** The name this runner's lease carries (default: host:pid:random). */
  readonly owner?: string;
  /** How long the lease lasts unless renewed; renewed every third of it (default PROJECTOR_DEFAULTS.leaseTtlMs). */
  readonly leaseTtlMs?: number;
  /**
   * When another runner holds the live version: `wait` as a standby until it is free (the default
   * when following), or `fail` with ProjectionLockedError naming the holder (the default with `untilCaughtUp`).
   */
  readonly whenLocked?: 'wait' | 'fail';
  readonly onStandby?: (holder: ProjectionLease) => void;
  readonly retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>;
}

/**
 * Keeps the projection's live version up to date, one active runner per version: it takes the
 * version's lease (waiting as a standby, or failing, while another runner holds it), follows the log
 * from the version's checkpoint, and moves to the new live version when a replay retires the one it ran.
 */
export async function runProjection(
  eventStore: EventStore,
  stores: ProjectionStores,
  options: RunProjectionOptions,
): Promise<{ events: number; version: number | undefined }> {
  const { projectionStore } = stores;
  const projection = options.projection ?? DAILY_COUNTS_PROJECTION;
  const log = options.logger.child({ projection });
  const owner = options.owner ?? runnerId();
  const wait = (options.whenLocked ?? (options.untilCaughtUp ? 'fail' : 'wait')) === 'wait';
  const retry = { logger: log, ...(options.signal ? { signal: options.signal } : {}), ...options.retry };
  let events = 0;
  let version: number | undefined;
  while (!options.signal?.aborted) {
    let live;
    try {
      live = await retryWhileUnavailable(() => projectionStore.ensureVersion(projection, 'live'), retry);
    } catch (error) {
      if (error instanceof StoppedWhileUnavailableError) break;
      throw error;
    }
    let lease;
    try {
      lease = await holdLease(projectionStore, live, {
        owner,
        ttlMs: options.leaseTtlMs ?? PROJECTOR_DEFAULTS.leaseTtlMs,
        wait,
        logger: log,
        signal: options.signal,
        retry: options.retry,
        onStandby: options.onStandby,
      });
    } catch (error) {
      // A replay switched while this runner was getting (or waiting for) the version: take the new one.
      if (error instanceof ProjectionVersionRetiredError) continue;
      throw error;
    }
    if (!lease) break;
    version = live.version;
    let end: VersionEnd;
    try {
      log.info({ version: live.version, runner: owner }, 'running');
      const result = await projectVersion(eventStore, stores, live, {
        owner,
        lost: lease.lost,
        logger: options.logger,
        batchSize: options.batchSize ?? PROJECTOR_DEFAULTS.batchSize,
        untilCaughtUp: options.untilCaughtUp ?? false,
        finish: options.finish,
        signal: options.signal,
        onBatch: (p) => options.onBatch?.({ ...p, events: events + p.events }),
        retry: options.retry,
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      });
      events += result.events;
      end = result.end;
    } finally {
      await lease.release();
    }
    if (end === 'retired') {
      log.info({ version: live.version }, 'version retired by a replay: moving to the live version');
      continue;
    }
    if (end === 'lease-lost') {
      if (!wait) throw new ProjectionLeaseLostError(live, owner, undefined);
      log.warn({ version: live.version }, 'lease lost: back to standby');
      continue;
    }
    break;
  }
  return { events, version };
}
