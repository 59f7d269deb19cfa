import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { Client } from 'pg';
import { z } from 'zod';
import { loadProfile, scaleProfile } from '@tthc/simulator';
import type { Tthc } from './process';
import {
  brokerRestart,
  groupChurn,
  killBetweenCommits,
  killIngest,
  killPostgresDuringIngest,
  killPostgresDuringProjection,
  killProjector,
  killReplay,
  runToEnd,
  sigtermAfterBrokerRestart,
  sigtermEverywhere,
  tthc,
  ingestArgs,
  type Scenario,
  type Stage,
} from './scenarios';
import { PrivateBroker, PrivateCluster } from './servers';
import { differences, snapshot, type Snapshot } from './snapshot';

/** The steps around the faults run at full speed. */
const FAST = { TTHC_FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS: '0' };
const PROFILE = join(__dirname, '..', '..', 'fixtures', 'profiles', 'lam-dong-2024-h1.json');

const options = z
  .object({
    long: z.boolean().default(false),
    scale: z.coerce.number().positive().max(1).optional(),
    seed: z.coerce.number().int().nonnegative().default(7),
    pgPort: z.coerce.number().int().min(1024).max(65535).default(15432),
    kafkaPort: z.coerce.number().int().min(1024).max(65534).default(19092),
    only: z.string().min(1).optional(),
    sessionTimeoutMs: z.coerce.number().int().min(3000).optional(),
  })
  .strict();

/** A small seeded generator (mulberry32): the same seed gives the same moments of fault. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function scenarios(long: boolean): Scenario[] {
  if (!long) {
    // The short run (part of pnpm test): one or two of each kind of fault the issue names.
    return [killIngest(2), killBetweenCommits(1), brokerRestart, killPostgresDuringIngest, killProjector(1), killReplay(1), sigtermEverywhere];
  }
  // Each scenario works on a fresh database with the whole feed ahead of it, so that every fault lands mid-work.
  const times = (n: number, s: Scenario) => Array.from({ length: n }, () => s);
  return [
    ...times(5, killIngest(3)),
    ...times(2, killBetweenCommits(2)),
    ...times(2, brokerRestart),
    sigtermAfterBrokerRestart,
    ...times(2, killPostgresDuringIngest),
    ...times(2, killPostgresDuringProjection),
    ...times(4, killProjector(3)),
    ...times(2, killReplay(1)),
    ...times(2, groupChurn),
    sigtermEverywhere,
  ];
}

interface Row {
  readonly scenario: string;
  readonly result: 'same as clean' | 'DIFFERS' | 'FAILED';
  readonly recovery: readonly number[];
  readonly seconds: number;
  readonly detail: string;
}

async function main(): Promise<number> {
  const program = new Command('chaos')
    .description('the fault harness: its own broker and PostgreSQL, faults in every phase, each run checked against a clean one')
    .option('--long', 'every scenario, several times: 15 kills of ingest, 4 aimed, 12 of the projector, 2 of a replay (docs/reliability.md)')
    .option('--scale <x>', 'share of the Lâm Đồng profile to publish (default 0.005, 0.02 with --long)')
    .option('--seed <n>', 'seed of the feed and of the moments of fault', '7')
    .option('--pg-port <port>', 'port of the private PostgreSQL cluster', '15432')
    .option('--kafka-port <port>', 'port of the private broker (and the next one for its controller)', '19092')
    .option('--only <text>', 'only the scenarios whose name holds this text')
    .option('--session-timeout-ms <ms>', "every ingest's session timeout (to compare with ingest's default of 10 s)");
  program.parse();
  const opts = options.parse(program.opts());
  const scale = opts.scale ?? (opts.long ? 0.02 : 0.005);
  const dir = mkdtempSync(join(tmpdir(), 'tthc-chaos-'));
  // The cluster runs as the postgres user when we are root: it must be able to reach its folder.
  chmodSync(dir, 0o755);
  const cluster = new PrivateCluster(join(dir, 'pg'), opts.pgPort);
  const broker = new PrivateBroker(join(dir, 'kafka'), opts.kafkaPort);
  const random = seeded(opts.seed);
  const started: Tthc[] = [];
  const say = (text: string) => process.stderr.write(`chaos: ${text}\n`);
  const rows: Row[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const child of started) child.kill('SIGKILL');
      await Promise.allSettled([cluster.stop(), broker.clean()]);
      rmSync(dir, { recursive: true, force: true });
    })());
  // Interrupted, it still stops the servers it started and removes its folder.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping the servers and exiting`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    say(`servers: PostgreSQL on ${cluster.port}, Kafka on ${broker.port} (${dir})`);
    await Promise.all([cluster.init(), broker.start()]);

    const loaded = loadProfile(JSON.parse(readFileSync(PROFILE, 'utf8')));
    if (!loaded.ok) throw new Error(`profile: ${JSON.stringify(loaded.problems)}`);
    const scaled = scaleProfile(loaded.profile, scale);
    if (!scaled.ok) throw new Error(`scaled profile: ${JSON.stringify(scaled.problems)}`);
    const profileFile = join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(scaled.profile));
    const topicArgs = ['--topic', 'chaos.events', '--registry-topic', 'chaos.registry'];
    const consumerArgs =
      opts.sessionTimeoutMs === undefined
        ? []
        : ['--session-timeout-ms', String(opts.sessionTimeoutMs), '--heartbeat-ms', String(Math.floor(opts.sessionTimeoutMs / 10))];
    const base: Omit<Stage, 'storeUrl' | 'group'> = { cluster, broker, topicArgs, consumerArgs, random, started };
    const stageFor = async (name: string): Promise<Stage> => {
      const database = `chaos_${name}`;
      const admin = new Client({ connectionString: cluster.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      return { ...base, storeUrl: cluster.urlOf(database), group: `chaos-${name}` };
    };

    const feed = await stageFor('feed');
    const simulate = tthc(feed, 'simulate', ['simulate', '--profile', profileFile, '--seed', String(opts.seed), '--kafka', ...topicArgs]);
    await runToEnd(simulate);
    const messages = (JSON.parse(simulate.stdout) as { events: number }).events;
    say(`published ${messages} events (×${scale} of the profile)`);

    const report = async (stage: Stage): Promise<string> => {
      const child = tthc(stage, 'report', [
        'report',
        '--from',
        scaled.profile.period.from,
        '--to',
        scaled.profile.period.to,
        '--format',
        'json',
        '--by',
        'agency',
      ]);
      await runToEnd(child);
      const parsed = JSON.parse(child.stdout) as Record<string, unknown>;
      delete parsed.asOf; // the log position differs from run to run; the figures may not
      return JSON.stringify(parsed);
    };
    const finish = async (stage: Stage) => {
      await runToEnd(tthc(stage, 'ingest#finish', ingestArgs(stage, '--until-idle'), FAST));
      await runToEnd(tthc(stage, 'project#finish', ['project', '--until-caught-up']));
      return { state: await snapshot(stage.storeUrl), report: await report(stage) };
    };

    const cleanStage = await stageFor('clean');
    let t = Date.now();
    const clean: { state: Snapshot; report: string } = await finish(cleanStage);
    const cleanProblems = differences(clean.state, clean.state, messages);
    rows.push({
      scenario: 'clean run',
      result: cleanProblems.length === 0 && clean.state.events === messages ? 'same as clean' : 'FAILED',
      recovery: [],
      seconds: (Date.now() - t) / 1000,
      detail: `${clean.state.events} events, ${clean.state.view.length} view rows`,
    });

    for (const [i, scenario] of scenarios(opts.long)
      .filter((s) => opts.only === undefined || s.name.includes(opts.only))
      .entries()) {
      const stage = await stageFor(`s${i}`);
      say(`${scenario.name}…`);
      t = Date.now();
      try {
        if (scenario.needs) await runToEnd(tthc(stage, 'ingest#before', ingestArgs(stage, '--until-idle'), FAST));
        if (scenario.needs === 'projected') await runToEnd(tthc(stage, 'project#before', ['project', '--until-caught-up']));
        const recovery = await scenario.run(stage);
        const after = await finish(stage);
        const found = differences(after.state, clean.state, messages);
        if (after.report !== clean.report) found.push('the report differs from the clean run');
        rows.push({
          scenario: scenario.name,
          result: found.length === 0 ? 'same as clean' : 'DIFFERS',
          recovery,
          seconds: (Date.now() - t) / 1000,
          detail: found.join('; '),
        });
      } catch (error) {
        rows.push({ scenario: scenario.name, result: 'FAILED', recovery: [], seconds: (Date.now() - t) / 1000, detail: (error as Error).message });
      }
      // Nothing a scenario started may outlive it, and a failed one may not leave a server down for the next.
      for (const child of started.splice(0)) {
        child.kill('SIGKILL');
        await child.exited;
      }
      await broker.start();
      if (!(await cluster.running())) await cluster.restart();
    }
  } finally {
    await cleanup();
  }
  process.stdout.write(table(rows));
  return rows.every((r) => r.result === 'same as clean') ? 0 : 1;
}

function table(rows: readonly Row[]): string {
  const fmt = (xs: readonly number[]) => (xs.length === 0 ? '–' : xs.map((x) => (Number.isNaN(x) ? 'none' : x.toFixed(1))).join(', '));
  const lines = ['| scenario | result | recovery per fault (s) | run (s) | detail |', '| --- | --- | --- | ---: | --- |'];
  for (const r of rows) lines.push(`| ${r.scenario} | ${r.result} | ${fmt(r.recovery)} | ${r.seconds.toFixed(0)} | ${r.detail.replace(/\|/g, '/')} |`);
  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
