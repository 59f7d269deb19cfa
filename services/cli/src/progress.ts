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
  const bar = new SingleBar({
    stream,
    format: `${label.padEnd(10)} {bar} {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {etaText}`,
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
      // Until time has passed since the first update there is no rate to show: a bar started late (the
      // demo's projection, caught up during ingest) would otherwise divide its whole count by a millisecond.
      const perSecond = now > first.at ? (value - first.value) / ((now - first.at) / 1000) : undefined;
      const rate = perSecond === undefined ? '–' : Math.round(perSecond).toLocaleString('en');
      const goal = total ?? Math.max(value, begun ? bar.getTotal() : 0);
      // Our own ETA from the same rate: cli-progress's says "LL" (NULL cut to two characters) when nothing remains at no rate.
      const etaText = value >= goal ? '0s' : perSecond ? duration((goal - value) / perSecond) : '–';
      if (!begun) {
        bar.start(goal, value, { rate, etaText });
        begun = true;
      }
      bar.setTotal(goal);
      bar.update(value, { rate, etaText });
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

/** 75 → 1m15s; 4000 → 1h07m; 8 → 8s. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
