import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAILY_COUNTS_PROJECTION, loadAgencyRegistry, parsePeriod, readDailyCountsReport, type DayRange, type ProjectionStore } from '@tthc/core';
import { sleep } from '@tthc/retry';
import { openPostgresStores } from '@tthc/store-postgres';
import { openSqliteStores } from '@tthc/store-sqlite';
import { z } from 'zod';
import { lastJsonLine, type ChildRun } from '../child';
import { apiReportRow } from './api-report';
import { rowOf, type BenchContext, type Suite } from '../context';
import { benchTopics, deleteBenchTopics, type BenchTopics } from '../kafka';
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
const syncIngestOutput = ingestOutput.extend({ records: z.object({ records: count, translated: count, refused: count, events: count }) });
const syncSimulateOutput = z.object({ records: count, source: z.string() });
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

/** One of our processes alone as a row: its wall time from spawn to exit, its peak RSS. */
function processRow(context: BenchContext, base: string, run: ChildRun, steps: readonly StepResult[]): void {
  context.runner.add(
    rowResult({ ...rowOf(context, base), events: context.dataset.events, seconds: run.seconds, peakRssMb: run.peakRssMb, peakRssOf: 'cli', steps }),
  );
}

/** How often the pipeline row reads the live projection's checkpoint while ingest and projection run. */
export const PIPELINE_POLL_MS = 100;
/** After ingest has exited, how long the projection's checkpoint may stand still before the row fails. */
export const PIPELINE_STALL_MS = 120_000;

/** The live daily-counts version's checkpoint: events read by the projection so far (0 before its first commit). */
async function projectedEvents(projectionStore: ProjectionStore): Promise<number> {
  const live = (await projectionStore.listVersions(DAILY_COUNTS_PROJECTION)).find((v) => v.status === 'live');
  return live?.checkpoint?.events ?? 0;
}

/**
 * A pipeline row: into a fresh store, `ingestArgs` (ingest, exiting when done) and `tthc project` in
 * following mode start together; once ingest has exited and the live projection's checkpoint has
 * read every event, the follower gets SIGTERM and `tthc report --format json` runs. Timed from the
 * start of both to the report's exit. `projectionStore` is the bench's own handle on the store
 * (opened before the clock starts, so the schema already exists), read every 100 ms.
 */
async function pipelineRow(
  context: BenchContext,
  base: string,
  {
    store,
    ingestArgs,
    ingestStep,
    projectionStore,
    untimedSteps,
  }: { store: string; ingestArgs: readonly string[]; ingestStep: string; projectionStore: ProjectionStore; untimedSteps: readonly StepResult[] },
): Promise<void> {
  const { dataset, tthc } = context;
  const row = rowOf(context, base);
  const { events } = dataset;
  status(`${row.name}: ${ingestStep} and tthc project (following) side by side, then tthc report…`);
  const started = performance.now();
  const ingest = tthc.start(`${row.name}.ingest`, ingestArgs);
  const follower = tthc.start(`${row.name}.project`, ['project', '--store', store]);
  try {
    // Set by the processes' exits while the loop below polls the checkpoint.
    const exits: { ingest?: ChildRun; failure?: Error; followerExited: boolean } = { followerExited: false };
    const fail = (error: unknown) => {
      exits.failure ??= error instanceof Error ? error : new Error(String(error));
    };
    ingest.done.then((run) => {
      exits.ingest = run;
    }, fail);
    follower.done.then(() => {
      exits.followerExited = true;
    }, fail);
    let projectedAtEnd = 0;
    let movedAt = performance.now();
    for (;;) {
      if (exits.failure) throw exits.failure;
      if (exits.followerExited) throw new Error(`${row.name}: tthc project exited before the projection had read every event`);
      if (exits.ingest) {
        const projected = await projectedEvents(projectionStore);
        if (projected >= events) {
          projectedAtEnd = projected;
          break;
        }
        if (projected !== projectedAtEnd) movedAt = performance.now();
        projectedAtEnd = projected;
        // A follower stuck in standby or failing to commit would otherwise hold the run for ever.
        if (performance.now() - movedAt > PIPELINE_STALL_MS) {
          throw new Error(
            `${row.name}: the projection's checkpoint stayed at ${projected} of ${events} events for ${PIPELINE_STALL_MS / 1000} s after ingest exited`,
          );
        }
      }
      await sleep(PIPELINE_POLL_MS);
    }
    follower.stop();
    const report = await tthc.run(`${row.name}.report`, ['report', ...periodArgs(dataset.profile.period), '--format', 'json', '--store', store]);
    const seconds = (performance.now() - started) / 1000;
    const project = await follower.done;
    // The loop ends only once ingest has exited.
    const ingested = exits.ingest;
    expectIngested(outputOf(ingestOutput, ingested, 'tthc ingest'), events, row.name);
    if (projectedAtEnd !== events) throw new Error(`${row.name}: the projection's checkpoint read ${projectedAtEnd} events, expected ${events}`);
    expectProjected(outputOf(projectOutput, project, 'tthc project'), events, row.name);
    if (outputOf(reportOutput, report, 'tthc report', true).asOf.position === null) throw new Error(`${row.name}: tthc report gave no log position`);
    context.runner.add(
      rowResult({
        ...row,
        events,
        seconds,
        peakRssMb: Math.max(ingested.peakRssMb, project.peakRssMb, report.peakRssMb),
        peakRssOf: 'cli',
        steps: [
          ...untimedSteps,
          step(ingestStep, ingested, { note: 'started with the follower; its seconds are from its own spawn to its exit' }),
          step('tthc project (following)', project, {
            note: 'stopped by SIGTERM once ingest had exited and the checkpoint read every event; its seconds include its exit after the stop',
          }),
          step(`tthc report ${periodArgs(dataset.profile.period).join(' ')} --format json`, report, {
            note: 'the row ends when it has printed the report and exited',
          }),
        ],
      }),
    );
  } finally {
    ingest.stop();
    follower.stop();
    await Promise.allSettled([ingest.done, follower.done]);
  }
}

/** `tthc replay daily-counts`: its wall time is the row's, and its own figure a note. */
async function replay(context: BenchContext, base: string, store: string): Promise<void> {
  const { dataset, tthc, runner } = context;
  const row = rowOf(context, base);
  status(`${row.name}: tthc replay daily-counts…`);
  const run = await tthc.run(`${row.name}.replay`, ['replay', 'daily-counts', '--store', store]);
  const summary = outputOf(replayOutput, run, 'tthc replay');
  if (!summary.switched || summary.events !== dataset.events)
    throw new Error(`${row.name}: replay ${JSON.stringify(summary)}, expected ${dataset.events} events and a switch`);
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
      const report = await readDailyCountsReport(stores.dailyCountsStore, period, registry);
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
    rowResult(
      {
        ...row,
        events: dataset.events,
        seconds: median(times),
        peakRssMb: cli.peakRssMb,
        peakRssOf: 'cli',
        steps: [
          { name: 'readDailyCountsReport (in process)', seconds: Math.round(median(times) * 1e6) / 1e6, note: `ms per call: ${ms.join(', ')}` },
          step(`tthc report ${periodArgs(period).join(' ')} --format json (process)`, cli, {
            untimed: true,
            note: 'its peak RSS is the row’s; its wall time includes the process start',
          }),
        ],
      },
      'latency',
    ),
  );
}

/** `tthc ingest` from the suite's topics into `url`, exiting once the group is caught up and idle for IDLE_MS. */
function kafkaIngestArgs(context: BenchContext, topics: BenchTopics, group: string, url: string): string[] {
  return [
    'ingest',
    '--brokers',
    context.brokers,
    '--topic',
    topics.events,
    '--registry-topic',
    topics.registry,
    '--dlq-topic',
    topics.deadLetters,
    '--group',
    group,
    '--until-idle',
    '--idle-ms',
    String(IDLE_MS),
    '--store',
    url,
  ];
}

const KAFKA_INGEST_STEP = `tthc ingest --until-idle --idle-ms ${IDLE_MS}`;
const KAFKA_INGEST_NOTE = `includes the idle wait of ${IDLE_MS} ms to 1 s before it exits`;

/**
 * The Kafka → PostgreSQL rows. The profile is published once to fresh topics by `tthc simulate
 * --kafka` (untimed). Then, into a fresh database: `ingest.kafka-postgres` (`tthc ingest --until-idle`
 * alone), `project.postgres` (`tthc project --until-caught-up` alone, after it), `replay.postgres` and
 * `report.postgres`. Then `ingest.kafka-postgres-binary`, the same in binary content mode. Then
 * `pipeline.kafka-postgres` from the first filled topics, with a fresh
 * consumer group into another fresh database: ingest and a following projection side by side, then the report.
 */
export const kafkaPostgres: Suite = {
  name: 'e2e-postgres',
  rows: [
    'ingest.kafka-postgres',
    'ingest.kafka-postgres-binary',
    'project.postgres',
    'replay.postgres',
    'report.postgres',
    'api.report.postgres',
    'pipeline.kafka-postgres',
  ],
  needsKafka: true,
  async run(context: BenchContext) {
    const { postgres } = context;
    const topics = benchTopics();
    const profile = writeProfile(context);
    try {
      const published = await publishProfile(context, profile, topics, 'ingest.kafka-postgres', 'structured');
      const database = await postgres.createDatabase();
      try {
        await kafkaIngestRow(context, 'ingest.kafka-postgres', topics, database.url, published);
        await project(context, 'project.postgres', database.url);
        await replay(context, 'replay.postgres', database.url);
        await reportLatency(context, database.url);
        await apiReportRow(context, 'api.report.postgres', database.url);
      } finally {
        await database.drop();
      }
      await binaryIngest(context, profile);
      await kafkaPipeline(context, topics, published);
    } finally {
      rmSync(profile, { force: true });
      await deleteBenchTopics(context.brokers, topics).catch((error: unknown) =>
        context.logger.warn({ err: error, topics }, 'could not delete the bench topics'),
      );
    }
  },
};

/** `tthc simulate --kafka` of the profile to the topics, in a CloudEvents content mode (not timed). */
async function publishProfile(context: BenchContext, profile: string, topics: BenchTopics, base: string, mode: 'structured' | 'binary'): Promise<StepResult> {
  const { dataset, tthc, brokers } = context;
  const label = rowOf(context, base).name;
  status(`${label}: tthc simulate --kafka --content-mode ${mode} (publishing ${dataset.events.toLocaleString('en')} events; not timed)…`);
  const publish = await tthc.run(`${label}.publish`, [
    'simulate',
    '--profile',
    profile,
    '--seed',
    String(dataset.seed),
    '--kafka',
    '--brokers',
    brokers,
    '--topic',
    topics.events,
    '--registry-topic',
    topics.registry,
    '--content-mode',
    mode,
  ]);
  return step(`tthc simulate --kafka --content-mode ${mode} (publish)`, publish, { untimed: true });
}

/** `tthc ingest --until-idle` alone, from the topics into a fresh database: checked to have stored every event. */
async function kafkaIngestRow(context: BenchContext, base: string, topics: BenchTopics, url: string, published: StepResult): Promise<void> {
  const label = rowOf(context, base).name;
  status(`${label}: tthc ingest --until-idle…`);
  await context.postgres.checkpoint();
  const ingest = await context.tthc.run(`${label}.ingest`, kafkaIngestArgs(context, topics, topics.group, url));
  expectIngested(outputOf(ingestOutput, ingest, 'tthc ingest'), context.dataset.events, label);
  processRow(context, base, ingest, [published, step(KAFKA_INGEST_STEP, ingest, { note: KAFKA_INGEST_NOTE })]);
}

/**
 * `ingest.kafka-postgres-binary`: the same profile published in CloudEvents' binary content mode
 * (`data` as the value, the attributes as `ce_` headers) to topics of its own, ingested alone into a
 * fresh database: what reading a binary message costs beside a structured one, in the same run.
 */
async function binaryIngest(context: BenchContext, profile: string): Promise<void> {
  const topics = benchTopics();
  try {
    const published = await publishProfile(context, profile, topics, 'ingest.kafka-postgres-binary', 'binary');
    const database = await context.postgres.createDatabase();
    try {
      await kafkaIngestRow(context, 'ingest.kafka-postgres-binary', topics, database.url, published);
    } finally {
      await database.drop();
    }
  } finally {
    await deleteBenchTopics(context.brokers, topics).catch((error: unknown) =>
      context.logger.warn({ err: error, topics }, 'could not delete the bench topics'),
    );
  }
}

/** `tthc project --until-caught-up` alone, after ingest: checked to have read every event. */
async function project(context: BenchContext, base: string, store: string): Promise<void> {
  const name = rowOf(context, base).name;
  status(`${name}: tthc project --until-caught-up…`);
  const run = await context.tthc.run(`${name}.project`, ['project', '--until-caught-up', '--store', store]);
  expectProjected(outputOf(projectOutput, run, 'tthc project'), context.dataset.events, name);
  processRow(context, base, run, [step('tthc project --until-caught-up', run)]);
}

/** `pipeline.kafka-postgres`: the filled topics read again by a fresh group into a fresh database. */
async function kafkaPipeline(context: BenchContext, topics: BenchTopics, published: StepResult): Promise<void> {
  const database = await context.postgres.createDatabase();
  try {
    const stores = await openPostgresStores(database.url);
    try {
      await context.postgres.checkpoint();
      await pipelineRow(context, 'pipeline.kafka-postgres', {
        store: database.url,
        ingestArgs: kafkaIngestArgs(context, topics, topics.pipelineGroup, database.url),
        ingestStep: KAFKA_INGEST_STEP,
        projectionStore: stores.projectionStore,
        untimedSteps: [{ ...published, note: 'the same topics as ingest.kafka-postgres, read by a fresh consumer group' }],
      });
    } finally {
      await stores.close();
    }
  } finally {
    await database.drop();
  }
}

/**
 * The file → SQLite rows. The profile is written once as an NDJSON feed by `tthc simulate --out`
 * (untimed). Then, into a fresh file: `ingest.file-sqlite` (`tthc ingest --file` alone),
 * `project.sqlite` (`tthc project --until-caught-up` alone, after it) and `replay.sqlite`. Then
 * `pipeline.file-sqlite` from the same feed into another fresh file: ingest and a following
 * projection side by side, then the report.
 */
export const fileSqlite: Suite = {
  name: 'e2e-sqlite',
  rows: ['ingest.file-sqlite', 'project.sqlite', 'replay.sqlite', 'api.report.sqlite', 'pipeline.file-sqlite', 'ingest.sync-file-sqlite'],
  async run(context: BenchContext) {
    const { dataset, tthc, tempDir } = context;
    const label = rowOf(context, 'ingest.file-sqlite').name;
    const profile = writeProfile(context);
    const feed = join(tempDir, `feed-${randomBytes(4).toString('hex')}.ndjson`);
    try {
      status(`${label}: tthc simulate --out (writing the feed; not timed)…`);
      const write = await tthc.run(`${label}.simulate`, ['simulate', '--profile', profile, '--seed', String(dataset.seed), '--out', feed]);
      const written = step('tthc simulate --out (feed)', write, { untimed: true });
      await withFreshSqliteFile(tempDir, 'e2e', async (path) => {
        const store = `sqlite:${path}`;
        status(`${label}: tthc ingest --file…`);
        const ingest = await tthc.run(`${label}.ingest`, ['ingest', '--file', feed, '--store', store]);
        expectIngested(outputOf(ingestOutput, ingest, 'tthc ingest'), dataset.events, label);
        processRow(context, 'ingest.file-sqlite', ingest, [written, step('tthc ingest --file', ingest)]);
        await project(context, 'project.sqlite', store);
        await replay(context, 'replay.sqlite', store);
        await apiReportRow(context, 'api.report.sqlite', store);
      });
      await withFreshSqliteFile(tempDir, 'pipeline', async (path) => {
        const store = `sqlite:${path}`;
        const stores = openSqliteStores(path);
        try {
          await pipelineRow(context, 'pipeline.file-sqlite', {
            store,
            ingestArgs: ['ingest', '--file', feed, '--store', store],
            ingestStep: 'tthc ingest --file',
            projectionStore: stores.projectionStore,
            untimedSteps: [{ ...written, note: 'the same feed as ingest.file-sqlite' }],
          });
        } finally {
          await stores.close();
        }
      });
      await syncFileRow(context, profile);
    } finally {
      rmSync(profile, { force: true });
      rmSync(feed, { force: true });
    }
  },
};

/**
 * `ingest.sync-file-sqlite`: the same dossiers as the DVCQG sync records a one-stop-shop system would
 * post (`tthc simulate --format dvcqg`, untimed), into a fresh file through the second door
 * (`tthc ingest --format dvcqg`). Its events are the profile's: the rate compares with
 * `ingest.file-sqlite` on the same dossiers, though the door reads a record per change and stores
 * the facts the records state (apologies and fee requests aside).
 */
async function syncFileRow(context: BenchContext, profile: string): Promise<void> {
  const { dataset, tthc, tempDir } = context;
  const label = rowOf(context, 'ingest.sync-file-sqlite').name;
  const feed = join(tempDir, `sync-${randomBytes(4).toString('hex')}.ndjson`);
  try {
    status(`${label}: tthc simulate --format dvcqg --out (writing the records; not timed)…`);
    const write = await tthc.run(`${label}.simulate`, ['simulate', '--profile', profile, '--seed', String(dataset.seed), '--format', 'dvcqg', '--out', feed]);
    const simulated = outputOf(syncSimulateOutput, write, 'tthc simulate --format dvcqg');
    await withFreshSqliteFile(tempDir, 'sync', async (path) => {
      status(`${label}: tthc ingest --format dvcqg --file…`);
      const ingest = await tthc.run(`${label}.ingest`, [
        'ingest',
        '--file',
        feed,
        '--format',
        'dvcqg',
        '--source',
        simulated.source,
        '--store',
        `sqlite:${path}`,
      ]);
      const { ingest: events, records } = outputOf(syncIngestOutput, ingest, 'tthc ingest --format dvcqg');
      if (records.records !== simulated.records || records.refused !== 0 || events.deadLettered !== 0 || events.parked !== 0) {
        throw new Error(`${label}: ingest ${JSON.stringify({ events, records })}, expected ${simulated.records} records read and none refused`);
      }
      const note = `${records.records} records, ${records.events} events handed on, ${events.appended} stored, ${events.duplicates} restated`;
      context.runner.add(
        rowResult({
          ...rowOf(context, 'ingest.sync-file-sqlite'),
          events: dataset.events,
          seconds: ingest.seconds,
          peakRssMb: ingest.peakRssMb,
          peakRssOf: 'cli',
          steps: [step('tthc simulate --format dvcqg --out (records)', write, { untimed: true }), step('tthc ingest --format dvcqg --file', ingest, { note })],
        }),
      );
    });
  } finally {
    rmSync(feed, { force: true });
  }
}
