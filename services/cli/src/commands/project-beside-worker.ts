import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { createLogger, LOG_LEVELS } from '@tthc/logging';
import { runProjection } from '@tthc/projector';
import { openStores } from '@tthc/stores';

/**
 * The worker thread of `projectBeside`: follows the log into the live projection on a connection of
 * its own, until the parent says the writer is done ('finish': project to the end, then return) or
 * to stop ('stop': end after the commit in flight). Reports each batch and its end to the parent.
 */
const data = z
  .object({
    store: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }),
      z.object({ kind: z.literal('postgres'), url: z.string().min(1) }),
    ]),
    logLevel: z.enum(LOG_LEVELS).optional(),
  })
  .strict()
  .parse(workerData);
const command = z.enum(['finish', 'stop']);

const port = parentPort;
if (!port) throw new Error('project-beside-worker runs as a worker thread');
const finish = new AbortController();
const stop = new AbortController();
port.on('message', (message: unknown) => {
  const parsed = command.safeParse(message);
  if (parsed.success && parsed.data === 'finish') finish.abort();
  else stop.abort();
});

async function main(): Promise<{ events: number; version: number | undefined }> {
  const logger = createLogger(data.logLevel ? { level: data.logLevel } : {});
  const stores = await openStores(data.store);
  try {
    return await runProjection(stores.eventStore, stores, {
      logger,
      finish: finish.signal,
      signal: stop.signal,
      // As `tthc project --until-caught-up`: another runner holding the live version is an error, named.
      whenLocked: 'fail',
      onBatch: ({ events }) => port?.postMessage({ kind: 'batch', events }),
    });
  } finally {
    await stores.close();
  }
}

main().then(
  (result) => {
    port.postMessage({ kind: 'done', events: result.events, version: result.version ?? null });
    port.close();
  },
  (error: unknown) => {
    // Rethrown outside the promise chain: the parent's 'error' event carries it.
    setImmediate(() => {
      throw error;
    });
  },
);
