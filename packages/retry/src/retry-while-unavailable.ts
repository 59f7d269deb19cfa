import { sleep, StoreUnavailableError, TthcError } from '@tthc/core';
import type { Logger } from '@tthc/logging';

export interface RetryOptions {
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called while waiting, e.g. to keep a Kafka session alive, and on each failure and recovery. */
  readonly onWait?: () => Promise<void>;
  readonly onUnavailable?: (attempt: number) => void;
  readonly onRecovered?: () => void;
}

/** Thrown when a stop was asked for while the store was down: the batch is given up uncommitted. */
export class StoppedWhileUnavailableError extends TthcError {
  readonly code = 'STOPPED_WHILE_UNAVAILABLE';
}

/**
 * Runs `work` until it succeeds, waiting with exponential backoff (capped, with jitter) while the
 * store is unavailable. Any other error passes through at once.
 */
export async function retryWhileUnavailable<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  const initial = options.initialDelayMs ?? 200;
  const max = options.maxDelayMs ?? 10_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const result = await work();
      if (attempt > 1) {
        options.logger.info({ attempts: attempt }, 'store reachable again');
        options.onRecovered?.();
      }
      return result;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      options.onUnavailable?.(attempt);
      if (options.signal?.aborted) throw new StoppedWhileUnavailableError('stopped while the store was unavailable', { cause: error });
      const delay = Math.min(max, initial * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      options.logger.warn({ attempt, delayMs: Math.round(delay), err: error }, 'store unavailable: retrying');
      const until = Date.now() + delay;
      while (Date.now() < until && !options.signal?.aborted) {
        await sleep(Math.min(1000, until - Date.now()));
        await options.onWait?.();
      }
    }
  }
}

/** `retryWhileUnavailable` with these options, for a caller that retries each of several store calls on its own. */
export const retryingWith =
  (options: RetryOptions) =>
  <T>(work: () => Promise<T>): Promise<T> =>
    retryWhileUnavailable(work, options);
