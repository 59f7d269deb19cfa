import { DAILY_COUNTS_PROJECTION, formatLogPosition, subscribeToAll, type EventStore, type ProjectionStore } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { dossierCodesOf, projectPage } from './project-batch';

export interface RunProjectionOptions {
  readonly projection?: string;
  readonly batchSize?: number;
  readonly logger: Logger;
  /** Return once the log is read to its end instead of following it. */
  readonly untilCaughtUp?: boolean;
  readonly pollIntervalMs?: number;
  readonly onBatch?: (progress: { events: number; position: string }) => void;
  /** Stops following after the batch in hand. */
  readonly signal?: AbortSignal;
}

/** Follows the log from the projection's checkpoint and commits each page's view changes with the new checkpoint. */
export async function runProjection(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  options: RunProjectionOptions,
): Promise<{ events: number }> {
  const projection = options.projection ?? DAILY_COUNTS_PROJECTION;
  const log = options.logger.child({ projection });
  const checkpoint = await projectionStore.readCheckpoint(projection);
  let projected = 0;
  const pages = subscribeToAll(eventStore, {
    after: checkpoint?.position,
    batchSize: options.batchSize ?? 5000,
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const page of pages) {
    if (page.events.length > 0) {
      const known = await projectionStore.loadDossiers(dossierCodesOf(page.events));
      const { batch, skipped } = projectPage(page.events, known);
      await projectionStore.commit(projection, batch);
      projected += page.events.length;
      const position = formatLogPosition(batch.checkpoint);
      for (const s of skipped) log.debug({ position: formatLogPosition(s.position), reason: s.reason }, 'event skipped');
      log.info({ events: page.events.length, skipped: skipped.length, position }, 'batch projected');
      options.onBatch?.({ events: projected, position });
    }
    if (page.caughtUp && options.untilCaughtUp) break;
  }
  return { events: projected };
}
