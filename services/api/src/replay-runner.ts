import type { Logger } from '@tthc/logging';
import { PROJECTIONS, replayProjection } from '@tthc/projector';
import type { Stores } from '@tthc/stores';
import { ApiProblem } from './problem';

/**
 * Replays started by operators through the API: each runs in the background of the server (its
 * progress shows in the projections' status, as a version being built), one per projection. Closing
 * the server stops them after the batch in hand; a replay started again resumes where it stopped.
 */
export class ReplayRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly stores: Stores,
    private readonly logger: Logger,
  ) {}

  /** Projections being rebuilt by a replay this server started. */
  get inProgress(): string[] {
    return [...this.running.keys()];
  }

  start(projection: string, by: string, batchSize: number | undefined): void {
    if (!PROJECTIONS.includes(projection)) throw new ApiProblem('NOT_FOUND', `no projection ${projection}; known: ${PROJECTIONS.join(', ')}`);
    if (this.running.has(projection)) throw new ApiProblem('ACTION_RUNNING', `a replay of ${projection} is already running in this server`);
    if (this.stop.signal.aborted) throw new ApiProblem('NOT_READY', 'the server is closing');
    const log = this.logger.child({ projection, by });
    const run = replayProjection(this.stores.eventStore, this.stores, {
      projection,
      logger: log,
      signal: this.stop.signal,
      ...(batchSize !== undefined ? { batchSize } : {}),
    })
      .then((summary) => log.info({ summary }, 'replay finished'))
      // Another process's replay holds the lease, or the store failed for good: the log says so, and the status shows no progress.
      .catch((error: unknown) => log.error({ err: error }, 'replay failed'))
      .finally(() => this.running.delete(projection));
    this.running.set(projection, run);
  }

  /** Stops every replay after its batch in hand and waits for them. */
  async close(): Promise<void> {
    this.stop.abort();
    await Promise.all(this.running.values());
  }
}
