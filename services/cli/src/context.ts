import { createLogger, type Logger, type LogLevel } from '@tthc/logging';
import { openStores, type StoreLocation, type Stores } from '@tthc/stores';

/**
 * Runs `work` with a logger and the stores open, closing them whatever happens. A command that only
 * reads sets `readOnly`: it refuses a store that does not exist rather than create an empty one.
 */
export async function withStores<T>(
  options: { store: StoreLocation; logLevel?: LogLevel | undefined; readOnly?: boolean },
  work: (stores: Stores, logger: Logger) => Promise<T>,
): Promise<T> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const stores = await openStores(options.store, { create: options.readOnly !== true });
  logger.debug({ store: stores.description }, 'store opened');
  try {
    return await work(stores, logger);
  } finally {
    await stores.close();
  }
}

export { STOP_BOUND_MS, stopSignal } from './stop-signal';

/** Where a command writes its result; stdout, or a buffer in tests. Logs and progress go to stderr. */
export interface Output {
  write(text: string): Promise<void>;
}

export const stdoutOutput: Output = {
  write: (text) => new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
};
