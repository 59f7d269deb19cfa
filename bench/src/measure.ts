import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '@tthc/logging';
import { createProgress } from './progress';

/** One part of a row, for rows made of several processes (end to end) or several measurements (the report). */
export interface StepResult {
  readonly name: string;
  readonly seconds: number;
  /** Peak RSS of that process; absent for a step that is not a process of ours. */
  readonly peakRssMb?: number;
  /** True for a step that prepares the row's input (publishing, writing the feed) and is not in the row's seconds. */
  readonly untimed?: boolean;
  /** What the process said about itself (the replay's own seconds, the report's runs). */
  readonly note?: string;
}

/** One line of the results: a row's own work, timed. */
export interface RowResult {
  /** The row's name, suffixed with its size (`@x5`) except for the first size. */
  readonly name: string;
  /** The data set's name at this size. */
  readonly dataset: string;
  readonly events: number;
  /** The work's time; for a latency row (the report's), the latency. */
  readonly seconds: number;
  /** `events / seconds`; `null` for a latency row, whose events are the log it reports on, not work it did in that time. */
  readonly eventsPerSecond: number | null;
  readonly peakRssMb: number;
  /**
   * Whose RSS `peakRssMb` is: `bench` for rows timed inside the bench process (it holds the simulated
   * data too), `cli` for rows that run our `tthc` processes (the highest of their peaks).
   */
  readonly peakRssOf: 'bench' | 'cli';
  readonly steps?: readonly StepResult[];
}

/**
 * Called by a row after each unit of work (a batch, a page, a chunk): draws progress and yields to the
 * event loop, so that the RSS sampler also runs between synchronous SQLite transactions.
 */
export type Step = (done: number) => Promise<void>;

/** Runs `fn` with the row's clock stopped: preparing the input of the next unit of work. */
export type Untimed = <T>(fn: () => T) => T;

/** A row's timed work; resolves to the number of events it handled. */
export type Work = (step: Step, untimed: Untimed) => Promise<number>;

export const RSS_SAMPLE_MS = 50;
const MB = 1024 * 1024;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `global.gc` without a command-line flag, so rows start from a collected heap; a no-op where V8 refuses. */
export const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc === 'function') return gc;
  } catch {
    // fall through
  }
  return () => undefined;
})();

/** Peak `process.memoryUsage().rss` sampled every 50 ms (and at each step) from `start()` to `stop()`. */
class PeakRss {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.peak = process.memoryUsage.rss();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** A result from a row's figures: the rate from events and seconds, or no rate for a latency. */
export function rowResult(fields: Omit<RowResult, 'eventsPerSecond'>, kind: 'throughput' | 'latency' = 'throughput'): RowResult {
  return {
    ...fields,
    // Microseconds: the report's latency is a few milliseconds.
    seconds: Math.round(fields.seconds * 1e6) / 1e6,
    eventsPerSecond: kind === 'latency' ? null : fields.seconds > 0 ? Math.round(fields.events / fields.seconds) : 0,
  };
}

/** Runs rows one after another, each timed on its own, and keeps their results in run order. */
export class Runner {
  readonly results: RowResult[] = [];

  constructor(private readonly logger: Logger) {}

  /**
   * Times `work` (and nothing else: set-up and clean-up belong outside, and the input it prepares
   * between units of work goes through `untimed`) and checks that it handled `expected` events, so a
   * row that silently did less can never show a better rate. Work that changes nothing (a read) can
   * run `runs` times: the row reports the median time and the highest RSS, so that one garbage
   * collection or one noisy neighbour does not decide the figure.
   */
  async measure(row: { name: string; dataset: string }, expected: number, work: Work, options: { runs?: number } = {}): Promise<RowResult> {
    const { name } = row;
    const runs = Math.max(1, options.runs ?? 1);
    const times: number[] = [];
    let peak = 0;
    for (let run = 1; run <= runs; run += 1) {
      collectGarbage();
      const progress = createProgress(runs > 1 ? `${name} ${run}/${runs}` : name, expected);
      const rss = new PeakRss();
      const step: Step = async (done) => {
        progress.update(done);
        rss.sample();
        await yieldToLoop();
      };
      let paused = 0;
      const untimed: Untimed = (fn) => {
        const from = performance.now();
        try {
          return fn();
        } finally {
          paused += performance.now() - from;
        }
      };
      this.logger.debug({ row: name, run, events: expected }, 'row started');
      rss.start();
      const started = performance.now();
      let events: number;
      try {
        events = await work(step, untimed);
        times.push((performance.now() - started - paused) / 1000);
      } finally {
        peak = Math.max(peak, rss.stop());
        progress.stop();
      }
      if (events !== expected) throw new Error(`${name} handled ${events} events, expected ${expected}`);
    }
    return this.add(rowResult({ name, dataset: row.dataset, events: expected, seconds: median(times), peakRssMb: Math.round(peak / MB), peakRssOf: 'bench' }), {
      runs: times.map((t) => Math.round(t * 1000) / 1000),
    });
  }

  /** Keeps a result measured elsewhere (our processes, the report's latency). */
  add(result: RowResult, details: Record<string, unknown> = {}): RowResult {
    this.results.push(result);
    this.logger.info({ row: result, ...details }, 'row done');
    return result;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}
