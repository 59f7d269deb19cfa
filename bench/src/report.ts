import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CodeVersion } from './code-version';
import type { MachineInfo } from './machine';
import type { RowResult } from './measure';

/** One size of the run's data. */
export interface SizeInfo {
  /** The suffix of its result names (`''`, `@x5`). */
  readonly suffix: string;
  readonly name: string;
  /** Scale of the profile. */
  readonly scale: number;
  readonly dossiers: number;
  readonly events: number;
  /** Wall time of every row of this size, untimed preparation included. */
  readonly runSeconds: number;
}

export interface DatasetInfo {
  /** The profile's name at the first size. */
  readonly name: string;
  readonly profile: string;
  readonly seed: number;
  /** The first size's figures, repeated here from `sizes[0]`. */
  readonly scale: number;
  readonly dossiers: number;
  readonly events: number;
  readonly sizes: readonly SizeInfo[];
}

/** One of the issue's goals, checked against a row. */
export interface GoalCheck {
  readonly row: string;
  readonly goal: string;
  readonly figure: number;
  readonly unit: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly machine: MachineInfo;
  readonly code: CodeVersion;
  /** The suites this run ran, in order (all of them unless `--only` chose some). */
  readonly suites: readonly string[];
  readonly dataset: DatasetInfo;
  readonly results: readonly RowResult[];
  /** `<ours>/<limit or peer>`: ours' events per second over theirs (1 = as fast, 0.5 = half as fast), per size. */
  readonly ratios: Readonly<Record<string, number>>;
  /** `<row>@x5`: its events per second over the same row's at the first size (1 = each event costs the same at five times the data). */
  readonly growth: Readonly<Record<string, number>>;
  readonly goals: readonly GoalCheck[];
}

/** Ours against the limit, and ours against the peer, of the same job on the same store. Pairs with a missing row are left out. */
export const RATIO_PAIRS: readonly (readonly [ours: string, base: string])[] = [
  ['store.postgres-append', 'limit.postgres-copy'],
  ['store.postgres-append', 'peer.emmett-postgres-append'],
  ['e2e.kafka-postgres', 'limit.postgres-copy'],
  ['e2e.kafka-postgres', 'peer.emmett-postgres-append'],
  ['store.postgres-read', 'limit.postgres-read'],
  ['replay.postgres', 'limit.postgres-read'],
  ['store.sqlite-append', 'limit.sqlite-insert'],
  ['e2e.file-sqlite', 'limit.sqlite-insert'],
  ['store.sqlite-read', 'limit.sqlite-read'],
  ['replay.sqlite', 'limit.sqlite-read'],
];

/** A result name's base and size suffix: `store.sqlite-append@x5` → [`store.sqlite-append`, `@x5`]. */
export function splitName(name: string): [base: string, suffix: string] {
  const at = name.indexOf('@');
  return at < 0 ? [name, ''] : [name.slice(0, at), name.slice(at)];
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Every pair's ratio at every size the results cover, keyed `ours@x5/limit@x5` (no suffix at the first size). */
export function computeRatios(results: readonly RowResult[], pairs = RATIO_PAIRS): Record<string, number> {
  const rate = new Map(results.map((r) => [r.name, r.eventsPerSecond]));
  const suffixes = [...new Set(results.map((r) => splitName(r.name)[1]))];
  const ratios: Record<string, number> = {};
  for (const suffix of suffixes) {
    for (const [ours, base] of pairs) {
      const a = rate.get(`${ours}${suffix}`);
      const b = rate.get(`${base}${suffix}`);
      if (a === undefined || a === null || b === undefined || b === null || b === 0) continue;
      ratios[`${ours}${suffix}/${base}${suffix}`] = round3(a / b);
    }
  }
  return ratios;
}

/** Each row at a larger size against itself at the first size, in events per second. */
export function computeGrowth(results: readonly RowResult[]): Record<string, number> {
  const first = new Map(results.filter((r) => splitName(r.name)[1] === '').map((r) => [r.name, r.eventsPerSecond]));
  const growth: Record<string, number> = {};
  for (const r of results) {
    const [base, suffix] = splitName(r.name);
    const at = first.get(base);
    if (suffix === '' || r.eventsPerSecond === null || at === undefined || at === null || at === 0) continue;
    growth[r.name] = round3(r.eventsPerSecond / at);
  }
  return growth;
}

/** Issue 7's goals. */
export const GOALS: readonly { row: string; goal: string; unit: string; figure: (r: RowResult) => number | undefined; met: (v: number) => boolean }[] = [
  { row: 'e2e.kafka-postgres', goal: '≥ 60,000 events/s', unit: 'events/s', figure: (r) => r.eventsPerSecond ?? undefined, met: (v) => v >= 60_000 },
  { row: 'e2e.file-sqlite', goal: '≥ 120,000 events/s', unit: 'events/s', figure: (r) => r.eventsPerSecond ?? undefined, met: (v) => v >= 120_000 },
  { row: 'replay.sqlite', goal: '≥ 250,000 events/s', unit: 'events/s', figure: (r) => r.eventsPerSecond ?? undefined, met: (v) => v >= 250_000 },
  { row: 'replay.postgres', goal: '≥ 200,000 events/s', unit: 'events/s', figure: (r) => r.eventsPerSecond ?? undefined, met: (v) => v >= 200_000 },
  { row: 'report.postgres', goal: '< 50 ms', unit: 'ms', figure: (r) => round3(r.seconds * 1000), met: (v) => v < 50 },
  ...['e2e.kafka-postgres', 'e2e.file-sqlite'].map((row) => ({
    row,
    goal: 'ingest peak RSS < 300 MB',
    unit: 'MB',
    figure: (r: RowResult) => r.steps?.find((s) => s.name.startsWith('tthc ingest'))?.peakRssMb,
    met: (v: number) => v < 300,
  })),
];

/** Each goal at each size the results cover. */
export function checkGoals(results: readonly RowResult[]): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const r of results) {
    const [base] = splitName(r.name);
    for (const goal of GOALS) {
      if (goal.row !== base) continue;
      const figure = goal.figure(r);
      if (figure === undefined) continue;
      checks.push({ row: r.name, goal: goal.goal, figure, unit: goal.unit, met: goal.met(figure) });
    }
  }
  return checks;
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

const seconds = (r: RowResult) => (r.seconds < 1 ? `${(r.seconds * 1000).toFixed(2)} ms` : r.seconds.toFixed(3));

/** The printed form: what ran on what, one line per row, then the ratios, the growth and the goals. */
export function formatReport(report: BenchReport): string {
  const { machine: m, dataset: d } = report;
  const head = [
    `dataset  ${d.name}, seed ${d.seed}: ${d.sizes.map((s) => `${s.suffix || 'base'} = scale ${s.scale}, ${n(s.dossiers)} dossiers, ${n(s.events)} events`).join('; ')}`,
    `machine  ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, PostgreSQL ${m.postgres}, SQLite ${m.sqlite}`,
    `code     ${report.code.commit}${report.code.uncommittedChanges === true ? ' with uncommitted changes' : report.code.uncommittedChanges === null ? ' (git could not say whether it had changes)' : ''}; suites ${report.suites.join(', ')}`,
  ].join('\n');
  const results = table(
    ['row', 'events', 'seconds', 'events/s', 'peak RSS MB', 'RSS of'],
    report.results.map((r) => [r.name, n(r.events), seconds(r), r.eventsPerSecond === null ? '—' : n(r.eventsPerSecond), n(r.peakRssMb), r.peakRssOf]),
    [false, true, true, true, true, false],
  );
  const ratios = table(
    ['ours / limit or peer (events/s)', 'ratio'],
    Object.entries(report.ratios).map(([k, v]) => [k, v.toFixed(3)]),
    [false, true],
  );
  const parts = [head, results, ratios];
  if (Object.keys(report.growth).length > 0) {
    parts.push(table(['at a larger size / at the first (events/s)', 'ratio'], Object.entries(report.growth).map(([k, v]) => [k, v.toFixed(3)]), [false, true]));
  }
  if (report.goals.length > 0) {
    parts.push(table(['goal', 'row', 'figure', 'met'], report.goals.map((g) => [g.goal, g.row, `${n(g.figure)} ${g.unit}`, g.met ? 'yes' : 'NO']), [false, false, true, false]));
  }
  return `${parts.join('\n\n')}\n`;
}

/** Writes the JSON beside a temporary file first, so a reader never sees half a report. */
export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(tmp, path);
}
