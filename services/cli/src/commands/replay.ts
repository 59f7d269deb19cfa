import { PROJECTIONS, replayProjection } from '@tthc/projector';
import { stopSignal, withStores, type Output } from '../context';
import { parseOptions, replayOptions, UsageError } from '../options';
import { createProgress } from '../progress';

/**
 * Rebuilds projections from the whole log into a new version while the live one keeps serving,
 * then switches over; prints one JSON summary line per projection. SIGINT/SIGTERM stop after the
 * batch in hand and the next run resumes.
 */
export async function replayCommand(projection: string | undefined, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(replayOptions, { ...raw, ...(projection !== undefined ? { projection } : {}) });
  const names = options.all ? PROJECTIONS : [options.projection ?? ''];
  const unknown = names.filter((name) => !PROJECTIONS.includes(name));
  if (unknown.length > 0) throw new UsageError(`<projection>: unknown projection ${unknown.join(', ')}; known: ${PROJECTIONS.join(', ')}`);
  await withStores(options, async (stores, logger) => {
    const signal = stopSignal();
    for (const name of names) {
      if (signal.aborted) break;
      const progress = createProgress('replay', 'events');
      let summary;
      try {
        summary = await replayProjection(stores.eventStore, stores, {
          projection: name,
          logger,
          batchSize: options.batchSize,
          signal,
          onProgress: (done, total) => progress.update(done, total),
        });
      } finally {
        progress.stop();
      }
      await out.write(`${JSON.stringify(summary)}\n`);
    }
  });
}
