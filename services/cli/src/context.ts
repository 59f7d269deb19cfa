import { createLogger, type Logger, type LogLevel } from '@tthc/logging';
import { openStores, type StoreLocation, type Stores } from '@tthc/stores';

/** Runs `work` with a logger and the stores open, closing them whatever happens. */
export async function withStores<T>(
  options: { store: StoreLocation; logLevel?: LogLevel | undefined },
  work: (stores: Stores, logger: Logger) => Promise<T>,
): Promise<T> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const stores = await openStores(options.store);
  logger.debug({ store: stores.description }, 'store opened');
  try {
    return await work(stores, logger);
  } finally {
    await stores.close();
  }
}

/** How long a stop may take once asked for: the batch in hand commits well within it. */
export const STOP_BOUND_MS = 30_000;

/**
 * Aborts on the first SIGINT or SIGTERM, so long runs finish the batch in hand and exit cleanly. A
 * stop that does not end within STOP_BOUND_MS (a client waiting on a server that is gone) ends the
 * process anyway, with exit code 1; what was committed stays committed. A second signal ends it at once.
 */
export function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    controller.abort();
    const watchdog = setTimeout(() => {
      process.stderr.write(`tthc: stopping after ${signal} took longer than ${STOP_BOUND_MS / 1000} s; exiting\n`);
      process.exit(1);
    }, STOP_BOUND_MS);
    // The watchdog alone never keeps the process alive.
    watchdog.unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/** Where a command writes its result; stdout, or a buffer in tests. Logs and progress go to stderr. */
export interface Output {
  write(text: string): Promise<void>;
}

export const stdoutOutput: Output = {
  write: (text) => new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
};
