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
  /** A binary result (a spreadsheet), as it is. */
  writeBytes(bytes: Uint8Array): Promise<void>;
  /** Whether a person reads it on a terminal, where a binary result is refused. */
  readonly isTerminal: boolean;
}

const toStdout = (chunk: string | Uint8Array) =>
  new Promise<void>((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve())));

export const stdoutOutput: Output = {
  write: toStdout,
  writeBytes: toStdout,
  get isTerminal() {
    return process.stdout.isTTY;
  },
};
