import { SingleBar } from 'cli-progress';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

const QUIET: Progress = { update: () => undefined, stop: () => undefined };

/** Whether a person watches stderr: progress is drawn then, and nothing is written when it is piped or under CI. */
export const watched = (stream: NodeJS.WriteStream = process.stderr): boolean => stream.isTTY && !process.env.CI;

/** A bar (count, rate, ETA) on stderr for one row; silent when stderr is not a terminal. */
export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!watched(stream)) return QUIET;
  const started = performance.now();
  const bar = new SingleBar({
    stream,
    format: `${label.padEnd(24)} {bar} {percentage}% | {value}/{total} events | {rate}/s | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 50,
    barsize: 24,
  });
  const rate = (value: number) => Math.round(value / Math.max((performance.now() - started) / 1000, 0.001)).toLocaleString('en');
  bar.start(total, 0, { rate: '0' });
  return {
    update: (value) => bar.update(value, { rate: rate(value) }),
    stop: () => bar.stop(),
  };
}

/** A one-line status on stderr for a person watching (untimed phases such as generating the data). */
export function status(line: string, stream: NodeJS.WriteStream = process.stderr): void {
  if (watched(stream)) stream.write(`${line}\n`);
}
