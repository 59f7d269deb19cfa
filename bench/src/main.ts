#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { relative } from 'node:path';
import { Command } from 'commander';
import { createLogger } from '@tthc/logging';
import type { BenchContext } from './context';
import { buildDataset, dossiersFor } from './dataset';
import { describeMachine } from './machine';
import { Runner } from './measure';
import { parseBenchOptions, targetEvents, UsageError, DEFAULT_POSTGRES_URL, DEFAULT_SEED, QUICK_EVENTS, DEFAULT_EVENTS, type BenchOptions } from './options';
import { PostgresServer } from './postgres';
import { status } from './progress';
import { computeRatios, formatReport, writeReport, type BenchReport } from './report';
import { SUITES } from './rows';
import { sqliteVersion } from './sqlite';

/** The URL without its password, for messages. */
function safeUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** One run: generate the data once, run every suite on it, print the table and write the JSON. */
export async function runBench(options: BenchOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<BenchReport> {
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const postgres = new PostgresServer(options.postgres);
  const tempDir = mkdtempSync(`${tmpdir()}/tthc-bench-`);
  const cleanUp = async () => {
    rmSync(tempDir, { recursive: true, force: true });
    await postgres.close().catch(() => undefined);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    status(`\n${signal}: dropping the bench databases…`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let postgresVersion: string;
    try {
      postgresVersion = await postgres.serverVersion();
    } catch (error) {
      throw new Error(`PostgreSQL is not reachable at ${safeUrl(options.postgres)} (${(error as Error).message}); start it with bash infra/postgres/ensure.sh`);
    }
    const machine = describeMachine({ postgres: postgresVersion, sqlite: sqliteVersion() });

    const events = targetEvents(options);
    status(`generating about ${events.toLocaleString('en')} events (${dossiersFor(events).toLocaleString('en')} dossiers); not timed…`);
    const generating = performance.now();
    const dataset = buildDataset({ seed: options.seed, events });
    const generationSeconds = Math.round(performance.now() - generating) / 1000;
    logger.info({ dataset: { name: dataset.name, seed: dataset.seed, dossiers: dataset.dossiers, events: dataset.events }, generationSeconds }, 'dataset ready');

    const runner = new Runner(logger);
    const context: BenchContext = { dataset, runner, postgres, tempDir, logger };
    for (const suite of SUITES) await suite.run(context);

    const report: BenchReport = {
      machine,
      dataset: { name: dataset.name, seed: dataset.seed, dossiers: dataset.dossiers, events: dataset.events },
      results: runner.results,
      ratios: computeRatios(runner.results),
    };
    writeReport(options.out, report);
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
    .description('Our event stores side by side with the storage limits, on the same generated data, in one run')
    .option('--quick', `a small smoke size (about ${QUICK_EVENTS.toLocaleString('en')} events)`)
    .option('--events <n>', `about this many events (default about ${DEFAULT_EVENTS.toLocaleString('en')})`)
    .option('--seed <n>', 'random seed of the generated data', String(DEFAULT_SEED))
    .option('--postgres <url>', 'maintenance database of the PostgreSQL server; the bench creates and drops its own databases', process.env.TTHC_BENCH_POSTGRES_URL ?? DEFAULT_POSTGRES_URL)
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
