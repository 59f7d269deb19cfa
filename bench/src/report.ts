import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { MachineInfo } from './machine';
import type { RowResult } from './measure';

export interface DatasetInfo {
  readonly name: string;
  readonly seed: number;
  readonly dossiers: number;
  readonly events: number;
}

export interface BenchReport {
  readonly machine: MachineInfo;
  readonly dataset: DatasetInfo;
  readonly results: readonly RowResult[];
  /** `<ours>/<limit or peer>`: ours' events per second over theirs (1 = as fast, 0.5 = half as fast). */
  readonly ratios: Readonly<Record<string, number>>;
}

/** Ours against the limit of the same job on the same store. Pairs with a missing row are left out. */
export const RATIO_PAIRS: readonly (readonly [ours: string, base: string])[] = [
  ['store.postgres-append', 'limit.postgres-copy'],
  ['store.postgres-read', 'limit.postgres-read'],
  ['store.sqlite-append', 'limit.sqlite-insert'],
  ['store.sqlite-read', 'limit.sqlite-read'],
];

export function computeRatios(results: readonly RowResult[], pairs = RATIO_PAIRS): Record<string, number> {
  const rate = new Map(results.map((r) => [r.name, r.eventsPerSecond]));
  const ratios: Record<string, number> = {};
  for (const [ours, base] of pairs) {
    const a = rate.get(ours);
    const b = rate.get(base);
    if (a === undefined || b === undefined || b === 0) continue;
    ratios[`${ours}/${base}`] = Math.round((a / b) * 1000) / 1000;
  }
  return ratios;
}

const n = (value: number) => value.toLocaleString('en');

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The printed form: what ran on what, one line per row, then the ratios. */
export function formatReport(report: BenchReport): string {
  const { machine: m, dataset: d } = report;
  const head = [
    `dataset  ${d.name}, seed ${d.seed}: ${n(d.dossiers)} dossiers, ${n(d.events)} events`,
    `machine  ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres}, SQLite ${m.sqlite}`,
  ].join('\n');
  const results = table(
    ['row', 'events', 'seconds', 'events/s', 'peak RSS MB'],
    report.results.map((r) => [r.name, n(r.events), r.seconds.toFixed(3), n(r.eventsPerSecond), n(r.peakRssMb)]),
    [false, true, true, true, true],
  );
  const ratios = table(
    ['ours / limit (events/s)', 'ratio'],
    Object.entries(report.ratios).map(([k, v]) => [k, v.toFixed(3)]),
    [false, true],
  );
  return `${head}\n\n${results}\n\n${ratios}\n`;
}

/** Writes the JSON beside a temporary file first, so a reader never sees half a report. */
export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, path);
}
