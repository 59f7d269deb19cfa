import type { Logger } from '@tthc/logging';
import type { Tthc } from './child';
import type { BenchDataset } from './dataset';
import type { Runner } from './measure';
import { UsageError } from './options';
import type { PostgresServer } from './postgres';

/** What every suite gets: the data of one size, the runner that times rows, the servers and our CLI. */
export interface BenchContext {
  readonly dataset: BenchDataset;
  readonly runner: Runner;
  readonly postgres: PostgresServer;
  /** Kafka brokers, `host:port,…`. */
  readonly brokers: string;
  /** Runs `tthc` commands as child processes, timing them and reading their peak RSS. */
  readonly tthc: Tthc;
  /** A directory for SQLite files, feeds and profiles, removed at the end of the run. */
  readonly tempDir: string;
  readonly logger: Logger;
}

/**
 * A group of rows sharing untimed set-up: a fresh database or file, written by one row and read
 * back by the next. Only the work inside `runner.measure` (or a row's child processes) is timed.
 */
export interface Suite {
  /** For `--only`. */
  readonly name: string;
  /** The base names of the results it produces, in order. */
  readonly rows: readonly string[];
  /** Kafka rows need the broker; every suite needs PostgreSQL for the machine block at least. */
  readonly needsKafka?: boolean;
  run(context: BenchContext): Promise<void>;
}

/** A row's name at the context's size, and the data set it ran on. */
export const rowOf = (context: Pick<BenchContext, 'dataset'>, base: string): { name: string; dataset: string } => ({
  name: `${base}${context.dataset.suffix}`,
  dataset: context.dataset.name,
});

/** Events per page for every whole-log read, ours and the limits'. */
export const READ_PAGE_SIZE = 5000;

/** Whole-log reads change nothing, so each read row runs this many times and reports the median. */
export const READ_RUNS = 3;

/** The suites `--only` names (by suite name, or by the base name of one of its rows); every suite without it. */
export function selectSuites(suites: readonly Suite[], only: readonly string[] | undefined): Suite[] {
  if (!only) return [...suites];
  const unknown = only.filter((name) => !suites.some((s) => s.name === name || s.rows.includes(name)));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown suite or row ${unknown.join(', ')}; suites: ${suites.map((s) => `${s.name} (${s.rows.join(', ')})`).join('; ')}`);
  }
  return suites.filter((s) => only.includes(s.name) || s.rows.some((r) => only.includes(r)));
}
