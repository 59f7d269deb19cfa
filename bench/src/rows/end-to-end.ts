import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAgencyRegistry, parsePeriod, readDailyCountsReport, type DayRange } from '@tthc/core';
import { openPostgresStores } from '@tthc/store-postgres';
import { z } from 'zod';
import { lastJsonLine, type ChildRun } from '../child';
import { rowOf, type BenchContext, type Suite } from '../context';
import { benchTopics, deleteBenchTopics } from '../kafka';
import { median, rowResult, type StepResult } from '../measure';
import { status } from '../progress';
import { withFreshSqliteFile } from '../sqlite';

/** Quiet time after which `tthc ingest --until-idle` checks that the group is caught up and exits; it is inside the row's time. */
export const IDLE_MS = 500;
/** Timed calls of the report (after one untimed warm-up call); the row gives their median. */
export const REPORT_RUNS = 9;

const count = z.number().int().nonnegative();
// What our processes print as their last line; checked, since a row must not count work not done.
const ingestOutput = z.object({ ingest: z.object({ consumed: count, appended: count, duplicates: count, deadLettered: count, parked: count }) });
const projectOutput = z.object({ projected: z.object({ events: count }) });
const replayOutput = z.object({ events: count, seconds: z.number().nonnegative(), switched: z.boolean() });
const reportOutput = z.object({ asOf: z.object({ position: z.string().nullable() }) });
type IngestOutput = z.output<typeof ingestOutput>;
type ProjectOutput = z.output<typeof projectOutput>;

/**
 * What a process printed, checked against what the command prints: its last JSON line, or with
 * `whole` its whole stdout (`tthc report --format json` prints one indented document).
 */
function outputOf<T>(schema: z.ZodType<T>, run: ChildRun, what: string, whole = false): T {
  const parsed = schema.safeParse(whole ? JSON.parse(run.stdout) : lastJsonLine(run.stdout));
  if (!parsed.success) throw new Error(`${what} printed an unexpected summary: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const step = (name: string, run: ChildRun, extra: Partial<StepResult> = {}): StepResult => ({
  name,
  seconds: Math.round(run.seconds * 1000) / 1000,
  peakRssMb: run.peakRssMb,
  ...extra,
});

/** The simulated profile of this size, as a file for `tthc simulate --profile`. */
function writeProfile(context: BenchContext): string {
  const file = join(context.tempDir, `profile${context.dataset.suffix.replace('@', '-')}.json`);
  writeFileSync(file, JSON.stringify(context.dataset.profile));
  return file;
}

function expectIngested(output: IngestOutput, events: number, row: string): void {
  const i = output.ingest;
  if (i.appended !== events || i.consumed !== events || i.deadLettered !== 0 || i.parked !== 0) {
    throw new Error(`${row}: ingest ${JSON.stringify(i)}, expected ${events} events consumed and appended`);
  }
}

function expectProjected(output: ProjectOutput, events: number, row: string): void {
  if (output.projected.events !== events) throw new Error(`${row}: projected ${output.projected.events} events, expected ${events}`);
}

/**
 * An end-to-end row: timed from `started` to now, over the ingest and project processes (each checked to
 * have handled every event), its peak RSS the higher of the two.
 */
function addEndToEnd(
  context: BenchContext,
  row: ReturnType<typeof rowOf>,
  started: number,
  [prepare, [ingestStep, ingest], [projectStep, project]]: [StepResult, [StepResult, ChildRun], [StepResult, ChildRun]],
): void {
  const seconds = (performance.now() - started) / 1000;
  const { events } = context.dataset;
  expectIngested(outputOf(ingestOutput, ingest, 'tthc ingest'), events, row.name);
  expectProjected(outputOf(projectOutput, project, 'tthc project'), events, row.name);
  context.runner.add(
    rowResult({ ...row, events, seconds, peakRssMb: Math.max(ingest.peakRssMb, project.peakRssMb), peakRssOf: 'cli', steps: [prepare, ingestStep, projectStep] }),
  );
}

/** `tthc replay daily-counts`: its wall time is the row's, and its own figure a note. */
async function replay(context: BenchContext, base: string, store: string): Promise<void> {
  const { dataset, tthc, runner } = context;
  const row = rowOf(context, base);
  status(`${row.name}: tthc replay daily-counts…`);
  const run = await tthc.run(`${row.name}.replay`, ['replay', 'daily-counts', '--store', store]);
  const summary = outputOf(replayOutput, run, 'tthc replay');
  if (!summary.switched || summary.events !== dataset.events) throw new Error(`${row.name}: replay ${JSON.stringify(summary)}, expected ${dataset.events} events and a switch`);
  runner.add(
    rowResult({
      ...row,
      events: dataset.events,
      seconds: run.seconds,
      peakRssMb: run.peakRssMb,
      peakRssOf: 'cli',
      steps: [step('tthc replay daily-counts', run, { note: `the replay's own seconds (no process start, store open): ${summary.seconds}` })],
    }),
  );
}

/** `--period 2024-H1` when the profile's period is a half or a whole year, else `--from … --to …`. */
export function periodArgs(period: DayRange): string[] {
  const year = period.from.slice(0, 4);
  for (const spec of [`${year}-H1`, `${year}-H2`, year]) {
    const range = parsePeriod(spec, 'calendar');
    if (range.from === period.from && range.to === period.to) return ['--period', spec];
  }
  return ['--from', period.from, '--to', period.to];
}

/**
 * `report.postgres`: the latency of `readDailyCountsReport` in process on the store the end-to-end row
 * filled and the replay rebuilt (the median of 9 calls after one warm-up, with the registry loaded
 * once as `tthc report` loads it), then one `tthc report … --format json` process for its peak RSS.
 * The view tables are vacuumed first, as autovacuum would do after the replay deleted the old rows.
 */
async function reportLatency(context: BenchContext, url: string): Promise<void> {
  const { dataset, tthc, runner } = context;
  const row = rowOf(context, 'report.postgres');
  const period = dataset.profile.period;
  status(`${row.name}: readDailyCountsReport ×${REPORT_RUNS + 1}…`);
  const stores = await openPostgresStores(url);
  const times: number[] = [];
  try {
    await stores.pool.query('VACUUM (ANALYZE) view_dossiers, view_daily_counts, projection_versions');
    // Without the registry the report skips the levels, which would make it cheaper than `tthc report`.
    const stored = await stores.ingestStore.loadRegistry();
    if (!stored) throw new Error(`${row.name}: the store has no agency registry; ingest should have adopted the simulation's`);
    const loaded = loadAgencyRegistry(stored.registry);
    if (!loaded.ok) throw new Error(`${row.name}: the store's agency registry does not load: ${JSON.stringify(loaded.problems)}`);
    const { registry } = loaded;
    for (let run = 0; run <= REPORT_RUNS; run += 1) {
      const started = performance.now();
      const report = await readDailyCountsReport(stores.projectionStore, period, registry);
      const seconds = (performance.now() - started) / 1000;
      if (report.asOf.position === null) throw new Error(`${row.name}: the report has no log position; the view is empty`);
      if (run > 0) times.push(seconds);
    }
  } finally {
    await stores.close();
  }
  const cli = await tthc.run(`${row.name}.report`, ['report', ...periodArgs(period), '--format', 'json', '--store', url]);
  if (outputOf(reportOutput, cli, 'tthc report', true).asOf.position === null) throw new Error(`${row.name}: tthc report gave no log position`);
  const ms = times.map((t) => Math.round(t * 1e5) / 100);
  runner.add(
    rowResult({
      ...row,
      events: dataset.events,
      seconds: median(times),
      peakRssMb: cli.peakRssMb,
      peakRssOf: 'cli',
      steps: [
        { name: 'readDailyCountsReport (in process)', seconds: Math.round(median(times) * 1e6) / 1e6, note: `ms per call: ${ms.join(', ')}` },
        step(`tthc report ${periodArgs(period).join(' ')} --format json (process)`, cli, { untimed: true, note: 'its peak RSS is the row’s; its wall time includes the process start' }),
      ],
    }, 'latency'),
  );
}

/**
 * `e2e.kafka-postgres`: the profile published to a fresh topic by `tthc simulate --kafka` (untimed), then,
 * timed from the start of ingest: `tthc ingest --until-idle` into a fresh database, then `tthc project
 * --until-caught-up`. Then `replay.postgres` and `report.postgres` on that database.
 */
export const kafkaPostgres: Suite = {
  name: 'e2e-postgres',
  rows: ['e2e.kafka-postgres', 'replay.postgres', 'report.postgres'],
  needsKafka: true,
  async run(context: BenchContext) {
    const { dataset, postgres, tthc, brokers } = context;
    const row = rowOf(context, 'e2e.kafka-postgres');
    const topics = benchTopics();
    const profile = writeProfile(context);
    const database = await postgres.createDatabase();
    try {
      const kafka = ['--brokers', brokers, '--topic', topics.events, '--registry-topic', topics.registry];
      status(`${row.name}: tthc simulate --kafka (publishing ${dataset.events.toLocaleString('en')} events; not timed)…`);
      const publish = await tthc.run(`${row.name}.publish`, ['simulate', '--profile', profile, '--seed', String(dataset.seed), '--kafka', ...kafka]);
      status(`${row.name}: tthc ingest --until-idle, then tthc project --until-caught-up…`);
      await postgres.checkpoint();
      const started = performance.now();
      const ingest = await tthc.run(`${row.name}.ingest`, [
        'ingest',
        ...kafka,
        '--dlq-topic',
        topics.deadLetters,
        '--group',
        topics.group,
        '--until-idle',
        '--idle-ms',
        String(IDLE_MS),
        '--store',
        database.url,
      ]);
      const project = await tthc.run(`${row.name}.project`, ['project', '--until-caught-up', '--store', database.url]);
      addEndToEnd(context, row, started, [
        step('tthc simulate --kafka (publish)', publish, { untimed: true }),
        [step(`tthc ingest --until-idle --idle-ms ${IDLE_MS}`, ingest, { note: `includes the idle wait of ${IDLE_MS} ms to 1 s before it exits` }), ingest],
        [step('tthc project --until-caught-up', project), project],
      ]);
      await replay(context, 'replay.postgres', database.url);
      await reportLatency(context, database.url);
    } finally {
      rmSync(profile, { force: true });
      await database.drop();
      await deleteBenchTopics(brokers, topics).catch((error: unknown) => context.logger.warn({ err: error, topics }, 'could not delete the bench topics'));
    }
  },
};

/**
 * `e2e.file-sqlite`: the profile written as an NDJSON feed by `tthc simulate --out` (untimed), then, timed:
 * `tthc ingest --file` into a fresh SQLite file, then `tthc project --until-caught-up`. Then
 * `replay.sqlite` on that file.
 */
export const fileSqlite: Suite = {
  name: 'e2e-sqlite',
  rows: ['e2e.file-sqlite', 'replay.sqlite'],
  async run(context: BenchContext) {
    const { dataset, tthc, tempDir } = context;
    const row = rowOf(context, 'e2e.file-sqlite');
    const profile = writeProfile(context);
    const feed = join(tempDir, `feed-${randomBytes(4).toString('hex')}.ndjson`);
    await withFreshSqliteFile(tempDir, 'e2e', async (path) => {
      const store = `sqlite:${path}`;
      try {
        status(`${row.name}: tthc simulate --out (writing the feed; not timed)…`);
        const write = await tthc.run(`${row.name}.simulate`, ['simulate', '--profile', profile, '--seed', String(dataset.seed), '--out', feed]);
        status(`${row.name}: tthc ingest --file, then tthc project --until-caught-up…`);
        const started = performance.now();
        const ingest = await tthc.run(`${row.name}.ingest`, ['ingest', '--file', feed, '--store', store]);
        const project = await tthc.run(`${row.name}.project`, ['project', '--until-caught-up', '--store', store]);
        addEndToEnd(context, row, started, [
          step('tthc simulate --out (feed)', write, { untimed: true }),
          [step('tthc ingest --file', ingest), ingest],
          [step('tthc project --until-caught-up', project), project],
        ]);
        rmSync(feed, { force: true });
        await replay(context, 'replay.sqlite', store);
      } finally {
        rmSync(profile, { force: true });
        rmSync(feed, { force: true });
      }
    });
  },
};
