import { DAILY_COUNTS_PROJECTION, formatLogPosition, type EventStore, type ProjectionStore } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { dossierCodesOf, projectPage } from './project-batch';

export interface RunProjectionOptions {
  readonly projection?: string;
  readonly batchSize?: number;
  readonly logger: Logger;
  /** Return once the log is read to its end instead of polling for more. */
  readonly untilCaughtUp?: boolean;
  readonly pollIntervalMs?: number;
  readonly onBatch?: (progress: { events: number; position: string }) => void;
  readonly stopSignal?: Promise<void>;
}

/** Reads the log from the projection's checkpoint and commits each page's view changes with the new checkpoint. */
export async function runProjection(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  options: RunProjectionOptions,
): Promise<{ events: number }> {
  const projection = options.projection ?? DAILY_COUNTS_PROJECTION;
  const batchSize = options.batchSize ?? 5000;
  const log = options.logger.child({ projection });
  const state = { stopped: false };
  void options.stopSignal?.then(() => {
    state.stopped = true;
  });
  let after = (await projectionStore.readCheckpoint(projection))?.position;
  let projected = 0;
  while (!state.stopped) {
    const events = await eventStore.readAll({ after, limit: batchSize });
    if (events.length === 0) {
      if (options.untilCaughtUp) break;
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 500));
      continue;
    }
    const known = await projectionStore.loadDossiers(dossierCodesOf(events));
    const { batch, skipped } = projectPage(events, known);
    await projectionStore.commit(projection, batch);
    after = batch.checkpoint;
    projected += events.length;
    for (const s of skipped) log.debug({ position: formatLogPosition(s.position), reason: s.reason }, 'event skipped');
    log.info({ events: events.length, skipped: skipped.length, position: formatLogPosition(after) }, 'batch projected');
    options.onBatch?.({ events: projected, position: formatLogPosition(after) });
  }
  return { events: projected };
}
