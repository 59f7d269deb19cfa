import type { Logger } from '@tthc/logging';
import { runProjection } from '@tthc/projector';
import type { Stores } from '@tthc/stores';
import { stopSignal, withStores, type Output } from '../context';
import { parseOptions, projectOptions } from '../options';
import { createProgress } from '../progress';

/** Projects to the end of the log and returns; fails at once, naming the holder, if another runner has the live version. */
export async function projectUntilCaughtUp(stores: Stores, logger: Logger, batchSize?: number): Promise<{ events: number; version: number | undefined }> {
  const progress = createProgress('project', 'events');
  try {
    return await runProjection(stores.eventStore, stores, {
      logger,
      ...(batchSize !== undefined ? { batchSize } : {}),
      untilCaughtUp: true,
      onBatch: ({ events }) => progress.update(events),
    });
  } finally {
    progress.stop();
  }
}

export async function projectCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(projectOptions, raw);
  const result = await withStores(options, async (stores, logger) => {
    if (options.untilCaughtUp) return projectUntilCaughtUp(stores, logger, options.batchSize);
    // Following: while another runner holds the live version, this one waits as its standby.
    const progress = createProgress('project', 'events');
    try {
      return await runProjection(stores.eventStore, stores, {
        logger,
        batchSize: options.batchSize,
        signal: stopSignal(),
        onBatch: ({ events }) => progress.update(events),
        onStandby: (holder) => logger.warn({ holder: holder.owner, until: holder.expiresAt }, 'standby: another runner keeps this projection; waiting'),
      });
    } finally {
      progress.stop();
    }
  });
  await out.write(`${JSON.stringify({ projected: result })}\n`);
}
