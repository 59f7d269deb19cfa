import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '@tthc/logging';
import { createProgress } from './progress';

/** One line of the results: a row's own work, timed. */
export interface RowResult {
  readonly name: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Highest resident set size of the whole bench process during the row (it holds the dataset too). */
  readonly peakRssMb: number;
}

/**
 * Called by a row after each unit of work (a batch, a page, a chunk): draws progress and yields to the
 * event loop, so that the RSS sampler also runs between synchronous SQLite transactions.
 */
export type Step = (done: number) => Promise<void>;

/** A row's timed work; resolves to the number of events it handled. */
export type Work = (step: Step) => Promise<number>;

export const RSS_SAMPLE_MS = 50;
const MB = 1024 * 1024;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `global.gc` without a command-line flag, so rows start from a collected heap; a no-op where V8 refuses. */
const collectGarbage: () => void = (() => {
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

/** Runs rows one after another, each timed on its own, and keeps their results in run order. */
export class Runner {
  readonly results: RowResult[] = [];

  constructor(private readonly logger: Logger) {}

  /**
   * Times `work` (and nothing else: set-up and clean-up belong outside) and checks that it handled
   * `expected` events, so a row that silently did less can never show a better rate. Work that
   * changes nothing (a read) can run `runs` times: the row reports the median time and the highest
   * RSS, so that one garbage collection or one noisy neighbour does not decide the figure.
   */
  async measure(name: string, expected: number, work: Work, options: { runs?: number } = {}): Promise<RowResult> {
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
      this.logger.debug({ row: name, run, events: expected }, 'row started');
      rss.start();
      const started = performance.now();
      let events: number;
      try {
        events = await work(step);
        times.push((performance.now() - started) / 1000);
      } finally {
        peak = Math.max(peak, rss.stop());
        progress.stop();
      }
      if (events !== expected) throw new Error(`${name} handled ${events} events, expected ${expected}`);
    }
    const seconds = median(times);
    const result: RowResult = {
      name,
      events: expected,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: Math.round(expected / seconds),
      peakRssMb: Math.round(peak / MB),
    };
    this.results.push(result);
    this.logger.info({ row: result, runs: times.map((t) => Math.round(t * 1000) / 1000) }, 'row done');
    return result;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}
