import { DAILY_COUNTS_PROJECTION, ProjectionLeaseLostError, type EventStore } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { retryWhileUnavailable, type RetryOptions } from '@tthc/retry';
import { holdLease, runnerId } from './lease';
import { PROJECTOR_DEFAULTS } from './defaults';
import { projectVersion, type ProjectionStores } from './run-projection';

/** The projections this pipeline keeps; `tthc replay --all` replays each in turn. */
export const PROJECTIONS: readonly string[] = [DAILY_COUNTS_PROJECTION];

export interface ReplayOptions {
  readonly projection: string;
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Stops after the batch in hand; the building version stays, and the next replay resumes it. */
  readonly signal?: AbortSignal;
  /** Events the new version has read, of the log's total as it stood when this run started (or more, if the log grew). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly owner?: string;
  readonly leaseTtlMs?: number;
  readonly retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>;
}

export interface ReplaySummary {
  readonly projection: string;
  /** The version that was live before (retired by the switch); null when there was none. */
  readonly fromVersion: number | null;
  readonly toVersion: number;
  /** Events this run projected (a resumed replay counts only its own). */
  readonly events: number;
  /** The whole run: from its start to the old version's rows deleted (or to the stop). */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** This run continued a building version an earlier run left. */
  readonly resumed: boolean;
  /** The new version is live; false when the run was stopped before it caught up. */
  readonly switched: boolean;
}

/**
 * Rebuilds a projection from the start of the log into a new version while the live one keeps
 * serving reports: creates the next version as `building` (or resumes the one an interrupted replay
 * left, from its checkpoint), projects the whole log into it, then switches it live in one
 * transaction, retires the old version, and deletes the old version's rows.
 */
export async function replayProjection(eventStore: EventStore, stores: ProjectionStores, options: ReplayOptions): Promise<ReplaySummary> {
  const { projection } = options;
  const { projectionStore, dailyCountsStore } = stores;
  const log = options.logger.child({ projection });
  const started = performance.now();
  const retry = { logger: log, ...(options.signal ? { signal: options.signal } : {}), ...options.retry };
  // Rows a switch retired but an interrupted run did not get to delete.
  await retryWhileUnavailable(() => dailyCountsStore.deleteRetired(), retry);
  const building = await retryWhileUnavailable(() => projectionStore.ensureVersion(projection, 'building'), retry);
  const resumed = building.checkpoint !== undefined;
  const owner = options.owner ?? runnerId();
  // A replay never waits behind another: two would only take turns on the same version.
  const lease = await holdLease(projectionStore, building, {
    owner,
    ttlMs: options.leaseTtlMs ?? PROJECTOR_DEFAULTS.leaseTtlMs,
    wait: false,
    logger: log,
    signal: options.signal,
    retry: options.retry,
  });
  if (!lease) throw new Error('replay stopped before it started');
  try {
    // Read again under the lease: the checkpoint a run that just stopped left.
    const current = (await retryWhileUnavailable(() => projectionStore.readVersion(building), retry)) ?? building;
    const before = current.checkpoint?.events ?? 0;
    const backlog = await retryWhileUnavailable(() => eventStore.backlog(current.checkpoint?.position), retry);
    const total = before + backlog.events;
    log.info({ version: building.version, resumed, done: before, total, runner: owner }, resumed ? 'replay resumed' : 'replay started');
    options.onProgress?.(before, total);
    const result = await projectVersion(eventStore, stores, building, {
      owner,
      lost: lease.lost,
      logger: options.logger,
      batchSize: options.batchSize ?? PROJECTOR_DEFAULTS.batchSize,
      untilCaughtUp: true,
      signal: options.signal,
      onBatch: (p) => options.onProgress?.(p.versionEvents, Math.max(total, p.versionEvents)),
      retry: options.retry,
    });
    // The whole run: start, projection, and the switch with the old rows' deletion.
    const summary = (fromVersion: number | null, switched: boolean): ReplaySummary => {
      const seconds = (performance.now() - started) / 1000;
      return {
        projection,
        fromVersion,
        toVersion: building.version,
        events: result.events,
        seconds: Math.round(seconds * 1000) / 1000,
        eventsPerSecond: Math.round(result.events / Math.max(seconds, 0.001)),
        resumed,
        switched,
      };
    };
    if (result.end === 'lease-lost') throw new ProjectionLeaseLostError(building, owner, undefined);
    if (result.end === 'retired') throw new Error(`projection ${projection} version ${building.version} was retired while it was being built`);
    const live = (await retryWhileUnavailable(() => projectionStore.listVersions(projection), retry)).find((v) => v.status === 'live');
    if (result.end === 'stopped') {
      log.warn({ version: building.version, events: result.versionEvents }, 'replay stopped: run it again to resume');
      return summary(live?.version ?? null, false);
    }
    const { retired } = await retryWhileUnavailable(() => projectionStore.switchLive(building, owner), retry);
    const deleted = await retryWhileUnavailable(() => dailyCountsStore.deleteRetired(), retry);
    log.info({ version: building.version, retired, deletedRows: deleted }, 'replay switched live');
    return summary(retired ?? null, true);
  } finally {
    await lease.release();
  }
}
