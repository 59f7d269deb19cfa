#!/usr/bin/env node
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '@tthc/logging';
import { selectSuites, type BenchContext } from './context';
import { Tthc } from './child';
import { buildDataset, readProfile, sizeSuffix } from './dataset';
import { deleteLiveTopics } from './kafka';
import { describeCode } from './code-version';
import { describeMachine } from './machine';
import { collectGarbage, Runner } from './measure';
import {
  baseScale,
  parseBenchOptions,
  runSizes,
  UsageError,
  DEFAULT_BROKERS,
  DEFAULT_POSTGRES_URL,
  DEFAULT_PROFILE,
  DEFAULT_SEED,
  DEFAULT_SIZES,
  QUICK_SCALE,
  type BenchOptions,
} from './options';
import { PostgresServer } from './postgres';
import { status } from './progress';
import { checkGoals, computeGrowth, computeRatios, formatReport, writeReport, type BenchReport, type SizeInfo } from './report';
import { SUITES } from './rows';
import { Servers } from './servers';
import { sqliteVersion } from './sqlite';

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * One run: for each size, simulate the profile once and run every suite on it; print the table and
 * write the JSON (after each size, so a long run keeps what it measured).
 */
export async function runBench(options: BenchOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<BenchReport> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const suites = selectSuites(SUITES, options.only);
  if (!Tthc.available()) throw new Error('the tthc CLI is not built (services/cli/dist/main.js); run pnpm build, or pnpm bench, which builds first');
  const postgres = new PostgresServer(options.postgres);
  const servers = new Servers();
  const tempDir = mkdtempSync(`${tmpdir()}/tthc-bench-`);
  if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
  const tthc = new Tthc({ tempDir, logger, cpuProfDir: options.cpuProf });
  const cleanUp = async () => {
    await tthc.stopAll();
    await deleteLiveTopics(options.brokers).catch(() => undefined);
    rmSync(tempDir, { recursive: true, force: true });
    await postgres.close().catch(() => undefined);
    await servers.stop().catch(() => undefined);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    status(`\n${signal}: stopping our processes, dropping the bench databases…`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const answers = () =>
      postgres.serverVersion().then(
        () => true,
        () => false,
      );
    await servers.ensurePostgres(options.postgres, answers);
    let postgresVersion: string;
    try {
      postgresVersion = await postgres.serverVersion();
    } catch (error) {
      throw new Error(`PostgreSQL is not reachable at ${safeUrl(options.postgres)} (${(error as Error).message})`);
    }
    if (suites.some((s) => s.needsKafka)) await servers.ensureKafka(options.brokers);
    const machine = describeMachine({ postgres: postgresVersion, sqlite: sqliteVersion() });
    // The bench's own checkout: `tthc` runs from the same one.
    const code = describeCode(join(__dirname, '..', '..'));
    const profile = readProfile(options.profile);
    const runner = new Runner(logger);
    const sizes: SizeInfo[] = [];
    let report: BenchReport | undefined;
    for (const multiple of runSizes(options)) {
      const scale = baseScale(options) * multiple;
      status(`simulating ${profile.name} at scale ${scale} (not timed)…`);
      const simulating = performance.now();
      const dataset = buildDataset({ profile, baseScale: baseScale(options), multiple, seed: options.seed });
      logger.info(
        {
          dataset: { name: dataset.name, scale: dataset.scale, dossiers: dataset.dossiers, events: dataset.events },
          seconds: Math.round(performance.now() - simulating) / 1000,
        },
        'dataset ready',
      );
      status(
        `${dataset.name}${sizeSuffix(multiple) ? ` (${sizeSuffix(multiple)})` : ''}: ${dataset.events.toLocaleString('en')} events from ${dataset.dossiers.toLocaleString('en')} dossiers`,
      );
      const started = performance.now();
      const context: BenchContext = { dataset, runner, postgres, brokers: options.brokers, tthc, tempDir, logger };
      for (const suite of suites) await suite.run(context);
      const size: SizeInfo = {
        suffix: dataset.suffix,
        name: dataset.name,
        scale: dataset.scale,
        dossiers: dataset.dossiers,
        events: dataset.events,
        runSeconds: Math.round(performance.now() - started) / 1000,
      };
      sizes.push(size);
      const first = sizes[0] ?? size;
      report = {
        machine,
        code,
        suites: suites.map((s) => s.name),
        dataset: {
          name: first.name,
          profile: relative(process.cwd(), options.profile) || options.profile,
          seed: options.seed,
          scale: first.scale,
          dossiers: first.dossiers,
          events: first.events,
          sizes: [...sizes],
        },
        results: [...runner.results],
        ratios: computeRatios(runner.results),
        growth: computeGrowth(runner.results),
        goals: checkGoals(runner.results, (suffix) => sizes.find((s) => s.suffix === suffix)?.scale),
      };
      writeReport(options.out, report);
      collectGarbage();
    }
    if (!report) throw new Error('no size ran');
    write(formatReport(report));
    write(`\nwritten to ${relative(process.cwd(), options.out) || options.out}\n`);
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

export function buildProgram(): Command {
  return new Command('bench')
    .description('Our pipeline side by side with the storage limits and a peer, on the simulated Lâm Đồng profile and the same ×5, in one run')
    .option('--quick', `a smoke check: the profile at scale ${QUICK_SCALE} only`)
    .option('--scale <f>', 'scale of the profile for the first size (default 1: the profile as it is)')
    .option('--sizes <list>', `multiples of that scale to run, in order (default ${DEFAULT_SIZES.join(',')}; 1 with --quick)`)
    .option('--profile <file>', 'simulation profile JSON', DEFAULT_PROFILE)
    .option('--seed <n>', 'random seed of the simulation', String(DEFAULT_SEED))
    .option(
      '--postgres <url>',
      'maintenance database of the PostgreSQL server; the bench creates and drops its own databases',
      process.env.TTHC_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL,
    )
    .option(
      '--brokers <list>',
      'Kafka brokers (the bench starts the local one through infra/ only when it is the default)',
      process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS,
    )
    .option('--only <names>', 'only these suites or rows (comma-separated), e.g. e2e-postgres or store.sqlite-append')
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of each tthc process into this directory (slows them: for finding bottlenecks, not for figures)')
    .option('--out <file>', 'where the JSON results go (default bench/results/latest.json)')
    .option('--log-level <level>', 'JSON logs on stderr at this level (default: warn on a terminal, info otherwise)', process.env.LOG_LEVEL)
    .showHelpAfterError()
    .exitOverride()
    .action(async (opts: Record<string, unknown>) => {
      const defined = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
      await runBench(parseBenchOptions(defined));
    });
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      process.exitCode = (error as { exitCode?: number }).exitCode ?? 2;
      return;
    }
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) void main();
