import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { defaultLogLevel, type LogLevel } from '@tthc/logging';
import type { StoreLocation } from '@tthc/stores';

const fromWorker = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('batch'), events: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('done'), events: z.number().int().nonnegative(), version: z.number().int().positive().nullable() }),
]);

// The worker is the built module beside this one; when this module runs from its TypeScript source
// (the tests, which run after a build), from the build of it.
const WORKER_FILE = __filename.endsWith('.ts')
  ? join(__dirname, '..', '..', 'dist', 'commands', 'project-beside-worker.js')
  : join(__dirname, 'project-beside-worker.js');

export interface ProjectionBeside {
  /** The writer is done: project to the end of the log, then resolve with what was projected. */
  finish(): Promise<{ events: number; version: number | undefined }>;
  /** End after the commit in flight (on a stop signal, or when the writer failed). */
  stop(): Promise<void>;
}

/**
 * Runs the live projection in a worker thread beside a writer in this one, as production runs
 * ingest and projection side by side: on two cores the projection no longer waits for the whole
 * ingest. `onBatch` hears the events projected so far.
 */
export function projectBeside(store: StoreLocation, logLevel: LogLevel | undefined, onBatch: (events: number) => void): ProjectionBeside {
  // The level this thread would use: the worker's own stderr is not the terminal the user watches.
  const worker = new Worker(WORKER_FILE, { workerData: { store, logLevel: logLevel ?? defaultLogLevel() } });
  const ended = new Promise<{ events: number; version: number | undefined }>((resolve, reject) => {
    let result: { events: number; version: number | undefined } | undefined;
    worker.on('message', (message: unknown) => {
      const parsed = fromWorker.parse(message);
      if (parsed.kind === 'batch') onBatch(parsed.events);
      else result = { events: parsed.events, version: parsed.version ?? undefined };
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the projection beside ingest ended (exit code ${code}) before it reached the end of the log`)),
    );
  });
  // Seen by finish or stop; never reported unhandled meanwhile.
  ended.catch(() => undefined);
  return {
    finish: () => {
      worker.postMessage('finish');
      return ended;
    },
    stop: async () => {
      worker.postMessage('stop');
      await ended.catch(() => undefined);
    },
  };
}
