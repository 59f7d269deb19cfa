import type { Logger } from '@tthc/logging';
import { runProjection } from '@tthc/projector';
import type { Stores } from '@tthc/stores';
import { stopSignal, withStores, type Output } from '../context';
import { parseOptions, projectOptions } from '../options';
import { createProgress } from '../progress';

export async function projectUntilCaughtUp(stores: Stores, logger: Logger, batchSize: number): Promise<{ events: number }> {
  const progress = createProgress('project', 'events');
  try {
    return await runProjection(stores.eventStore, stores.projectionStore, {
      logger,
      batchSize,
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
    const progress = createProgress('project', 'events');
    try {
      return await runProjection(stores.eventStore, stores.projectionStore, {
        logger,
        batchSize: options.batchSize,
        signal: stopSignal(),
        onBatch: ({ events }) => progress.update(events),
      });
    } finally {
      progress.stop();
    }
  });
  await out.write(`${JSON.stringify({ projected: result })}\n`);
}
