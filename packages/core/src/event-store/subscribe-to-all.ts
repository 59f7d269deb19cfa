import type { EventStore, RecordedEvent } from './event-store';
import { sleep } from '../time/sleep';
import type { LogPosition } from './log-position';

export interface SubscriptionOptions {
  /** Start strictly after this position (a checkpoint); from the start when absent. */
  readonly after?: LogPosition | undefined;
  readonly batchSize?: number;
  /** How long to wait before asking again once the log is read to its end. */
  readonly pollIntervalMs?: number;
  /** Ends the subscription: the generator returns after the page in hand. */
  readonly signal?: AbortSignal;
}

export interface SubscriptionPage {
  readonly events: readonly RecordedEvent[];
  /** Position of the last event of this page (or of the last page, when this one is empty). */
  readonly position: LogPosition | undefined;
  /** True when this page reached the end of the log as it stood: history is done, live follows. */
  readonly caughtUp: boolean;
}

/**
 * A catch-up subscription on any store: pages of history, then live pages as events commit. The
 * consumer checkpoints `page.position`; restarting from it neither skips nor repeats an event,
 * because `readAll` never returns an event while an earlier one may still commit.
 */
export async function* subscribeToAll(store: EventStore, options: SubscriptionOptions = {}): AsyncGenerator<SubscriptionPage> {
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  let after = options.after;
  let wasCaughtUp = false;
  while (!options.signal?.aborted) {
    const events = await store.readAll({ after, limit: batchSize });
    const last = events[events.length - 1];
    if (last) after = last.position;
    const caughtUp = events.length < batchSize;
    if (events.length > 0 || !wasCaughtUp) yield { events, position: after, caughtUp };
    wasCaughtUp = caughtUp;
    if (caughtUp) await sleep(pollIntervalMs, options.signal);
  }
}
