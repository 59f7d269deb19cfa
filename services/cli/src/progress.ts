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
  // The rate counts from the first update, so work done before this run (a resumed replay) does not inflate it.
  let first: { value: number; at: number } | undefined;
  return {
    update(value, total) {
      const now = Date.now();
      first ??= { value, at: now };
      const perSecond = now > first.at ? (value - first.value) / ((now - first.at) / 1000) : value / Math.max((now - started) / 1000, 0.001);
      const rate = Math.round(perSecond).toLocaleString('en');
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
