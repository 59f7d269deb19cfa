import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreUnavailableError, TthcError, type ProjectionLease, type ProjectionStore, type ProjectionVersionRef } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { retryWhileUnavailable, StoppedWhileUnavailableError, type RetryOptions, sleep } from '@tthc/retry';

/** How a runner names itself in a lease: host, process and a random tag (several runners may share a process). */
export const runnerId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** Another runner holds the version and this one was told not to wait (`--until-caught-up`, replay). */
export class ProjectionLockedError extends TthcError {
  readonly code = 'PROJECTION_LOCKED';
  constructor(
    readonly ref: ProjectionVersionRef,
    readonly holder: ProjectionLease,
  ) {
    super(
      `projection ${ref.projection} version ${ref.version} is being run by ${holder.owner} (lease until ${holder.expiresAt}); ` +
        'stop that runner, or wait for its lease to expire if it died',
    );
  }
}

export interface LeaseOptions {
  readonly owner: string;
  readonly ttlMs: number;
  /** Wait as a standby while another runner holds the version, or fail at once with ProjectionLockedError. */
  readonly wait: boolean;
  readonly logger: Logger;
  readonly signal?: AbortSignal | undefined;
  readonly retry?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'> | undefined;
  /** Called once each time this runner starts waiting behind another. */
  readonly onStandby?: ((holder: ProjectionLease) => void) | undefined;
}

/** A lease this runner holds and renews; `lost` aborts when a renewal finds another owner. */
export interface HeldLease {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * Takes the version's lease, renewing it every third of its time to live until released. With
 * `wait`, polls while another runner holds it (a standby takes over once the holder releases it or
 * stops renewing); returns undefined if the signal aborts meanwhile.
 */
export async function holdLease(store: ProjectionStore, ref: ProjectionVersionRef, options: LeaseOptions): Promise<HeldLease | undefined> {
  const log = options.logger.child({ projection: ref.projection, version: ref.version, runner: options.owner });
  const retry = { logger: log, ...(options.signal ? { signal: options.signal } : {}), ...options.retry };
  let standby: string | undefined;
  for (;;) {
    if (options.signal?.aborted) return undefined;
    let outcome;
    try {
      outcome = await retryWhileUnavailable(() => store.acquireLease(ref, options.owner, options.ttlMs), retry);
    } catch (error) {
      if (error instanceof StoppedWhileUnavailableError) return undefined;
      throw error;
    }
    if (outcome.acquired) {
      if (standby !== undefined) log.info({ previous: standby }, 'lease taken over: running');
      break;
    }
    if (!options.wait) throw new ProjectionLockedError(ref, outcome.holder);
    if (standby !== outcome.holder.owner) {
      standby = outcome.holder.owner;
      log.info({ holder: outcome.holder.owner, until: outcome.holder.expiresAt }, 'standby: another runner holds this version');
      options.onStandby?.(outcome.holder);
    }
    await sleep(Math.min(5000, Math.max(50, options.ttlMs / 3)), options.signal);
  }

  const lost = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = store.renewLease(ref, options.owner, options.ttlMs).then(
        (held) => {
          if (!held && !lost.signal.aborted) {
            log.warn('lease lost to another runner');
            lost.abort();
          }
        },
        (error: unknown) => {
          // The next tick tries again; the lease outlives a few missed renewals.
          if (error instanceof StoreUnavailableError) log.warn({ err: error }, 'lease renewal failed: store unavailable');
          else log.error({ err: error }, 'lease renewal failed');
        },
      );
    },
    Math.max(20, options.ttlMs / 3),
  );
  timer.unref();
  return {
    lost: lost.signal,
    release: async () => {
      clearInterval(timer);
      await renewing;
      await store.releaseLease(ref, options.owner).catch((error: unknown) => {
        log.warn({ err: error }, 'lease not released: it expires by itself');
      });
    },
  };
}
