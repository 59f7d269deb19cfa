import type { Logger } from '@tthc/logging';
import type { BenchDataset } from './dataset';
import type { Runner } from './measure';
import type { PostgresServer } from './postgres';

/** What every suite gets: the one dataset of the run, the runner that times rows, and the servers. */
export interface BenchContext {
  readonly dataset: BenchDataset;
  readonly runner: Runner;
  readonly postgres: PostgresServer;
  /** A directory for SQLite files, removed at the end of the run. */
  readonly tempDir: string;
  readonly logger: Logger;
}

/**
 * A group of rows sharing untimed set-up: a fresh database or file, written by one row and read
 * back by the next. Only the work inside `runner.measure` is timed.
 */
export interface Suite {
  /** The result names it produces, in order. */
  readonly rows: readonly string[];
  run(context: BenchContext): Promise<void>;
}

/** Events per page for every whole-log read, ours and the limits'. */
export const READ_PAGE_SIZE = 5000;

/** Whole-log reads change nothing, so each read row runs this many times and reports the median. */
export const READ_RUNS = 3;
