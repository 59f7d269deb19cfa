import {
  DAILY_COUNTS_PROJECTION,
  formatLogPosition,
  ProjectionLeaseLostError,
  ProjectionVersionNotFoundError,
  ProjectionVersionRetiredError,
  StoreUnavailableError,
  type EventStore,
  type ProjectionLease,
  type ProjectionStore,
  type ProjectionVersionRef,
  type RecordedEvent,
} from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { retryWhileUnavailable, StoppedWhileUnavailableError, type RetryOptions, sleep } from '@tthc/retry';
import { holdLease, runnerId } from './lease';
import { dossierCodesOf, projectPage } from './project-batch';

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

/** How a version run ended: at the end of the log, asked to stop, replaced by a newer version, or its lease taken. */
export type VersionEnd = 'caught-up' | 'stopped' | 'retired' | 'lease-lost';

export interface ProjectVersionOptions {
  readonly owner: string;
  /** Aborts when the runner's lease is lost; the run ends after the batch in hand. */
  readonly lost: AbortSignal;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Return once the log is read to its end instead of following it. */
  readonly untilCaughtUp?: boolean;
  /** Stops after the batch in hand. */
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

/**
 * Projects the log into one version from its checkpoint, committing each page's view changes with
 * the new checkpoint in one transaction, under the runner's lease. While the store is unavailable
 * it waits with capped exponential backoff; it then starts again from the checkpoint it reads back,
 * so a batch whose commit failed (or committed just before the connection dropped) is neither lost
 * nor counted twice.
 */
export async function projectVersion(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  ref: ProjectionVersionRef,
  options: ProjectVersionOptions,
): Promise<{ end: VersionEnd; events: number; versionEvents: number }> {
  const log = options.logger.child({ projection: ref.projection, version: ref.version });
  const batchSize = options.batchSize ?? 5000;
  const stop = options.signal ? AbortSignal.any([options.signal, options.lost]) : options.lost;
  const recent = new RecentRate();
  let startEvents: number | undefined;
  let versionEvents = 0;

  const session = async (): Promise<VersionEnd | 'resume'> => {
    const version = await projectionStore.readVersion(ref);
    if (!version) throw new ProjectionVersionNotFoundError(ref);
    if (version.status === 'retired') return 'retired';
    let after = version.checkpoint?.position;
    versionEvents = version.checkpoint?.events ?? 0;
    startEvents ??= versionEvents;
    let committed = false;
    let ahead: Promise<RecordedEvent[]> | undefined;
    try {
      for (;;) {
        if (options.signal?.aborted) return 'stopped';
        if (options.lost.aborted) return 'lease-lost';
        const started = performance.now();
        const page = await (ahead ?? eventStore.readAll({ after, limit: batchSize }));
        ahead = undefined;
        const last = page[page.length - 1];
        if (last && page.length === batchSize) {
          // Read the next page while this one is folded and committed: the log does not depend on the view.
          ahead = eventStore.readAll({ after: last.position, limit: batchSize });
          ahead.catch(() => undefined); // awaited (and its error seen) on the next turn
        }
        if (page.length > 0) {
          const known = await projectionStore.loadDossiers(ref, dossierCodesOf(page));
          const { batch, skipped } = projectPage(page, known);
          const rate = recent.rate(page.length, performance.now() - started);
          await projectionStore.commit({ ...ref, owner: options.owner }, { ...batch, rate });
          committed = true;
          recent.add(page.length, performance.now() - started);
          after = batch.checkpoint;
          versionEvents += page.length;
          const position = formatLogPosition(batch.checkpoint);
          for (const s of skipped) log.debug({ position: formatLogPosition(s.position), reason: s.reason }, 'event skipped');
          log.info({ events: page.length, skipped: skipped.length, position, rate }, 'batch projected');
          options.onBatch?.({ version: ref.version, events: versionEvents - startEvents, versionEvents, position, rate: recent.rate() });
        }
        const caughtUp = page.length < batchSize;
        if (caughtUp && options.untilCaughtUp) return 'caught-up';
        if (caughtUp) await sleep(options.pollIntervalMs ?? 250, stop);
      }
    } catch (error) {
      if (error instanceof ProjectionVersionRetiredError) return 'retired';
      if (error instanceof ProjectionLeaseLostError) return 'lease-lost';
      if (error instanceof StoreUnavailableError && committed) {
        // This session made progress: start again at once from the checkpoint, and back off if that fails.
        log.warn({ err: error.message }, 'store unavailable: resuming from the checkpoint');
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
  readonly pollIntervalMs?: number;
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Stops following after the batch in hand (or stops waiting as a standby). */
  readonly signal?: AbortSignal;
  /** The name this runner's lease carries (default: host:pid:random). */
  readonly owner?: string;
  /** How long the lease lasts unless renewed; renewed every third of it (default 15 s). */
  readonly leaseTtlMs?: number;
  /**
   * When another runner holds the live version: `wait` as a standby until it is free (the default
   * when following), or `fail` with ProjectionLockedError naming the holder (the default with `untilCaughtUp`).
   */
  readonly whenLocked?: 'wait' | 'fail';
  readonly onStandby?: (holder: ProjectionLease) => void;
  readonly retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>;
}

export const DEFAULT_LEASE_TTL_MS = 15_000;

/**
 * Keeps the projection's live version up to date, one active runner per version: it takes the
 * version's lease (waiting as a standby, or failing, while another runner holds it), follows the log
 * from the version's checkpoint, and moves to the new live version when a replay retires the one it ran.
 */
export async function runProjection(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  options: RunProjectionOptions,
): Promise<{ events: number; version: number | undefined }> {
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
        ttlMs: options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
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
      const result = await projectVersion(eventStore, projectionStore, live, {
        owner,
        lost: lease.lost,
        logger: options.logger,
        batchSize: options.batchSize ?? 5000,
        untilCaughtUp: options.untilCaughtUp ?? false,
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
