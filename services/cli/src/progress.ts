import { SingleBar } from 'cli-progress';

export interface Progress {
  /** `value` done of `total` (when known); `unit` names what is counted. */
  update(value: number, total?: number): void;
  stop(): void;
}

const QUIET: Progress = { update: () => undefined, stop: () => undefined };

/**
 * A progress bar (count, rate, ETA) on stderr when a person watches a terminal; silent when stderr
 * is piped or when CI is set, so that logs and captured output stay clean.
 */
export function createProgress(label: string, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) return QUIET;
  const started = Date.now();
  const bar = new SingleBar({
    stream,
    format: `${label.padEnd(10)} {bar} {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    barsize: 24,
  });
  let begun = false;
  return {
    update(value, total) {
      const rate = Math.round(value / Math.max((Date.now() - started) / 1000, 0.001)).toLocaleString('en');
      if (!begun) {
        bar.start(total ?? value, value, { rate });
        begun = true;
      }
      if (total !== undefined) bar.setTotal(total);
      else if (value > bar.getTotal()) bar.setTotal(value);
      bar.update(value, { rate });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}
