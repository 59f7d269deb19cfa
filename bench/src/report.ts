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

/** One of the issue's goals, checked against a row (and, for a ratio, the row it is measured against in the same run). */
export interface GoalCheck {
  readonly row: string;
  readonly goal: string;
  readonly figure: number;
  readonly unit: string;
  /** `null` where the goal does not apply at this size (`note` says why): its figure is shown, not judged. */
  readonly met: boolean | null;
  readonly note?: string;
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

/**
 * Ours against the bare limit, the layout limit and the peer of the same job on the same store, and
 * the layout limit against the bare one (what our indexes cost). Pairs with a missing row are left out.
 */
export const RATIO_PAIRS: readonly (readonly [ours: string, base: string])[] = [
  ['limit.postgres-copy', 'limit.postgres-bare-copy'],
  ...['store.postgres-append', 'ingest.kafka-postgres', 'pipeline.kafka-postgres'].flatMap((ours) =>
    ['limit.postgres-bare-copy', 'limit.postgres-copy', 'peer.emmett-postgres-append'].map((base) => [ours, base] as const),
  ),
  ...['store.postgres-read', 'project.postgres', 'replay.postgres'].map((ours) => [ours, 'limit.postgres-read'] as const),
  ['limit.sqlite-insert', 'limit.sqlite-bare-insert'],
  ...['store.sqlite-append', 'ingest.file-sqlite', 'pipeline.file-sqlite'].flatMap((ours) =>
    ['limit.sqlite-bare-insert', 'limit.sqlite-insert'].map((base) => [ours, base] as const),
  ),
  ...['store.sqlite-read', 'project.sqlite', 'replay.sqlite'].map((ours) => [ours, 'limit.sqlite-read'] as const),
  // CloudEvents' binary content mode (attributes in headers) against the structured mode, and the limit.
  ['ingest.kafka-postgres-binary', 'ingest.kafka-postgres'],
  ['ingest.kafka-postgres-binary', 'limit.postgres-bare-copy'],
  // The same dossiers through the second door (DVCQG sync records) against the CloudEvents door.
  ['ingest.sync-file-sqlite', 'ingest.file-sqlite'],
  ['ingest.sync-file-sqlite', 'limit.sqlite-bare-insert'],
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

/**
 * Issue 16's goals, each for the rows it names at every size that ran:
 * - `ratio`: the row's events per second over `of`'s, both from the same size of the same run;
 * - `growth`: the row's events per second at a larger size over its own at the first size;
 * - `seconds`, `latency` (in ms), `rss` (peak RSS of its processes, in MB): the row's own figure;
 *   `atScale` limits a goal to the size whose profile scale is that (the whole profile, scale 1).
 */
export type Goal =
  | { readonly kind: 'ratio'; readonly rows: readonly string[]; readonly of: string; readonly atLeast: number }
  | { readonly kind: 'growth'; readonly rows: readonly string[]; readonly atLeast: number }
  | {
      readonly kind: 'seconds' | 'latency' | 'rss';
      readonly rows: readonly string[];
      readonly atMost: number;
      readonly atScale?: number;
      readonly where?: string;
    };

export const GOALS: readonly Goal[] = [
  { kind: 'ratio', rows: ['ingest.file-sqlite'], of: 'limit.sqlite-bare-insert', atLeast: 0.4 },
  { kind: 'ratio', rows: ['ingest.kafka-postgres'], of: 'limit.postgres-bare-copy', atLeast: 0.4 },
  { kind: 'ratio', rows: ['project.sqlite', 'replay.sqlite'], of: 'limit.sqlite-read', atLeast: 0.3 },
  { kind: 'ratio', rows: ['project.postgres', 'replay.postgres'], of: 'limit.postgres-read', atLeast: 0.3 },
  { kind: 'seconds', rows: ['pipeline.kafka-postgres'], atMost: 90, atScale: 1 },
  {
    kind: 'growth',
    rows: [
      'ingest.file-sqlite',
      'ingest.kafka-postgres',
      'project.sqlite',
      'project.postgres',
      'replay.sqlite',
      'replay.postgres',
      'pipeline.kafka-postgres',
      'pipeline.file-sqlite',
      'store.sqlite-append',
      'store.postgres-append',
      'store.sqlite-read',
      'store.postgres-read',
    ],
    atLeast: 0.8,
  },
  { kind: 'latency', rows: ['report.postgres'], atMost: 50 },
  { kind: 'latency', rows: ['api.report.postgres', 'api.report.sqlite'], atMost: 50, where: 'over HTTP, cold' },
  { kind: 'rss', rows: ['ingest.file-sqlite', 'ingest.kafka-postgres', 'project.sqlite', 'project.postgres', 'replay.sqlite', 'replay.postgres'], atMost: 300 },
];

/** The goal's wording and the row's figure for it, or undefined when the figure is missing (a row that did not run). */
function judge(
  goal: Goal,
  r: RowResult,
  suffix: string,
  rate: (name: string) => number | null | undefined,
): (Omit<GoalCheck, 'row' | 'met' | 'note'> & { ok: boolean }) | undefined {
  switch (goal.kind) {
    case 'ratio': {
      const a = r.eventsPerSecond;
      const b = rate(`${goal.of}${suffix}`);
      if (a === null || b === undefined || b === null || b === 0) return undefined;
      return { goal: `≥ ${goal.atLeast} × ${goal.of}${suffix} (events/s, same run)`, figure: round3(a / b), unit: '×', ok: a / b >= goal.atLeast };
    }
    case 'growth': {
      const [base] = splitName(r.name);
      const a = r.eventsPerSecond;
      const b = rate(base);
      if (suffix === '' || a === null || b === undefined || b === null || b === 0) return undefined;
      return { goal: `≥ ${goal.atLeast} × its rate at the first size`, figure: round3(a / b), unit: '×', ok: a / b >= goal.atLeast };
    }
    case 'seconds':
      return { goal: `≤ ${goal.atMost} s wall`, figure: round3(r.seconds), unit: 's', ok: r.seconds <= goal.atMost };
    case 'latency': {
      return { goal: `≤ ${goal.atMost} ms ${goal.where ?? 'in process'}`, figure: round3(r.seconds * 1000), unit: 'ms', ok: r.seconds * 1000 <= goal.atMost };
    }
    case 'rss':
      return { goal: `peak RSS ≤ ${goal.atMost} MB`, figure: r.peakRssMb, unit: 'MB', ok: r.peakRssMb <= goal.atMost };
  }
}

/**
 * Each goal for each of its rows at each size the results cover. `scaleOf` gives a size's profile
 * scale by its suffix, for goals that apply at one scale only (elsewhere they are shown with `met: null`).
 */
export function checkGoals(results: readonly RowResult[], scaleOf: (suffix: string) => number | undefined): GoalCheck[] {
  const rates = new Map(results.map((r) => [r.name, r.eventsPerSecond]));
  const checks: GoalCheck[] = [];
  for (const goal of GOALS) {
    for (const r of results) {
      const [base, suffix] = splitName(r.name);
      if (!goal.rows.includes(base)) continue;
      const judged = judge(goal, r, suffix, (name) => rates.get(name));
      if (!judged) continue;
      const { ok, ...rest } = judged;
      const scale = scaleOf(suffix);
      if ('atScale' in goal && goal.atScale !== undefined && scale !== goal.atScale) {
        checks.push({ row: r.name, ...rest, met: null, note: `only at scale ${goal.atScale} of the profile; this size is scale ${scale ?? 'unknown'}` });
      } else {
        checks.push({ row: r.name, ...rest, met: ok });
      }
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
    parts.push(
      table(
        ['at a larger size / at the first (events/s)', 'ratio'],
        Object.entries(report.growth).map(([k, v]) => [k, v.toFixed(3)]),
        [false, true],
      ),
    );
  }
  if (report.goals.length > 0) {
    parts.push(
      table(
        ['row', 'goal', 'figure', 'met'],
        report.goals.map((g) => [g.row, g.goal, `${n(g.figure)} ${g.unit}`, g.met === null ? `n/a: ${g.note ?? ''}` : g.met ? 'yes' : 'NO']),
        [false, false, true, false],
      ),
    );
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
