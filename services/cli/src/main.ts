#!/usr/bin/env node
// First: stop signals are heard from the moment the process starts (see stop-signal.ts).
import './stop-signal';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { CONTENT_MODES, errorCodeOf, periodCutoff, REPORT_FORMATS, REPORT_GROUPINGS } from '@tthc/core';
import { PROJECTOR_DEFAULTS } from '@tthc/projector';
import { PUBLISHER_DEFAULTS } from '@tthc/publisher';
import { demoCommand } from './commands/demo';
import { ingestCommand } from './commands/ingest';
import { INGEST_DEFAULTS } from '@tthc/ingest';
import { DEFAULT_SYNC_CONSUMER_GROUP, DEFAULT_SYNC_TOPIC } from '@tthc/kafka';
import { migrateCommand } from './commands/migrate';
import { dbRolesCommand } from './commands/db';
import { backupCommand } from './commands/backup';
import { projectCommand } from './commands/project';
import { replayCommand } from './commands/replay';
import { publishCommand } from './commands/publish';
import { dlqListCommand, dlqPurgeCommand, dlqRedriveCommand } from './commands/dlq';
import { registryCheckCommand, registryImportCommand } from './commands/registry';
import { statusCommand } from './commands/status';
import { reportCommand } from './commands/report';
import { serveCommand, tokenCommand } from './commands/serve';
import { simulateCommand } from './commands/simulate';
import { stdoutOutput, type Output } from './context';
import { CLI_DEFAULTS } from './defaults';
import { addKafkaOptions } from './kafka-options';

const storeOption = () => new Option('--store <url>', `event store: sqlite:PATH or postgres://… (default ${CLI_DEFAULTS.store})`).env('TTHC_STORE_URL');
const logLevelOption = () =>
  new Option('--log-level <level>', 'JSON logs on stderr at this level (default: warn on a terminal, info otherwise)').env('LOG_LEVEL');

/** CloudEvents' Kafka content mode of the events sent; ingest reads both. */
const contentModeOption = () =>
  new Option('--content-mode <mode>', "CloudEvents' Kafka content mode: structured (the envelope as the value) or binary (data as the value, ce_ headers)")
    .choices(CONTENT_MODES)
    .default('structured')
    .env('TTHC_CONTENT_MODE');

const projectBatchHelp = `events per view transaction, at most (also committed every ${PROJECTOR_DEFAULTS.commitIntervalMs / 1000} s and at the end of the log)`;

/** The version in the CLI's package.json (beside `src/` and `dist/`). */
function cliVersion(): string {
  return z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'))).version;
}

/** The tthc program; `out` receives each command's result (stdout unless a test captures it). */
export function buildProgram(out: Output = stdoutOutput): Command {
  const program = new Command('tthc')
    .description('Counts administrative-procedure dossiers from one-stop-shop events')
    .version(cliVersion(), '-V, --version', "tthc's version")
    // A usage mistake gets one line naming it and a pointer to the help, not the whole help (subcommands inherit this).
    .configureOutput({ outputError: (text, write) => write(`tthc [USAGE]: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('(see the command with --help for its options)')
    .exitOverride();

  program
    .command('demo')
    .description("simulate Lâm Đồng's first half of 2024 (or another profile), ingest it into the embedded store, project it and print the report")
    .addOption(storeOption())
    .addOption(logLevelOption())
    .option('--profile <file>', `simulation profile JSON (default: ${CLI_DEFAULTS.demoProfile})`)
    .option('--scale <factor>', 'multiply every dossier figure of the profile, e.g. 0.01 for a quick look', String(CLI_DEFAULTS.scale))
    .option('--seed <n>', 'random seed: the same seed gives the same feed', String(CLI_DEFAULTS.seed))
    .option('--out <file>', 'where the simulated NDJSON feed is written (default: data/<profile>-seed-<n>.ndjson)')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS.filter((f) => f !== 'xlsx')).default(CLI_DEFAULTS.format))
    .option('--batch-size <n>', 'events per store transaction of ingest', String(INGEST_DEFAULTS.batchSize))
    .action((opts: Record<string, unknown>) => demoCommand(opts, out));

  addKafkaOptions(
    program
      .command('simulate')
      .description("generate the dossier lifecycles and agency registry whose report reproduces a profile's figures exactly")
      .requiredOption('--profile <file>', 'simulation profile JSON (e.g. test/fixtures/profiles/lam-dong-2024-h1.json)')
      .option('--scale <factor>', 'multiply every dossier figure of the profile, e.g. 0.01 for a quick look', String(CLI_DEFAULTS.scale))
      .option('--seed <n>', 'random seed: the same seed gives the same feed, byte for byte', String(CLI_DEFAULTS.seed))
      .option('--out <file>', 'write an NDJSON feed: the agency registry line, then the events in time order')
      .option('--kafka', 'publish instead: the registry to its compacted topic, then the events')
      .addOption(
        new Option('--format <format>', 'what follows the registry: CloudEvents, or the DVCQG sync records (DongBoHoSoMC) a one-stop-shop system would post')
          .choices(['cloudevents', 'dvcqg'])
          .default('cloudevents'),
      )
      .option('--topic <name>', `topic (with --kafka; default: ${PUBLISHER_DEFAULTS.topic}; with --format dvcqg: ${DEFAULT_SYNC_TOPIC})`)
      .option('--registry-topic <name>', 'registry topic (with --kafka)', PUBLISHER_DEFAULTS.registryTopic)
      .option('--batch-size <n>', 'events per send (with --kafka)', String(CLI_DEFAULTS.simulateBatchSize))
      .addOption(contentModeOption())
      .option(
        '--reorganise-on <date>',
        'end every agency the day before DATE and move the province onto a two-tier map with merged communes from DATE (as on 2025-07-01); prints the figures on both maps',
      )
      .addOption(logLevelOption())
      .action((opts: Record<string, unknown>) => simulateCommand(opts, out)),
  );

  addKafkaOptions(
    program
      .command('publish')
      .description('validate an NDJSON file of dossier events and publish it to Kafka, keyed by dossier code')
      .argument('<file>', 'NDJSON file, one CloudEvent per line')
      .option('--topic <name>', 'events topic', PUBLISHER_DEFAULTS.topic)
      .option('--registry-topic <name>', 'compacted topic for agency registry lines of the file', PUBLISHER_DEFAULTS.registryTopic)
      .option('--batch-size <n>', 'events per send', String(CLI_DEFAULTS.publishBatchSize))
      .addOption(contentModeOption())
      .addOption(logLevelOption())
      .action((file: string, opts: Record<string, unknown>) => publishCommand(file, opts, out)),
  );

  addKafkaOptions(
    program
      .command('ingest')
      .description('append dossier events to the store, from an NDJSON file or from Kafka')
      .option('--file <file>', 'ingest this NDJSON file instead of Kafka')
      .addOption(
        new Option('--format <format>', 'what the file or topic holds: CloudEvents, or DVCQG sync records (DongBoHoSoMC), read into events')
          .choices(['cloudevents', 'dvcqg'])
          .default('cloudevents'),
      )
      .option('--source <urn>', 'with --format dvcqg: the URN of the system that sends the records, as the agency registry authorises it')
      .option('--topic <name>', `topic to consume (default: ${INGEST_DEFAULTS.topic}; with --format dvcqg: ${DEFAULT_SYNC_TOPIC})`)
      .option('--dlq-topic <name>', 'dead-letter topic', INGEST_DEFAULTS.deadLetterTopic)
      .option('--registry-topic <name>', 'compacted topic of agency registry versions, read before consuming', INGEST_DEFAULTS.registryTopic)
      .option('--group <id>', `Kafka consumer group (default: ${INGEST_DEFAULTS.groupId}; with --format dvcqg: ${DEFAULT_SYNC_CONSUMER_GROUP})`)
      .option('--metrics-port <port>', `serve /metrics and /health on 127.0.0.1 (default ${INGEST_DEFAULTS.metricsPort} when following Kafka)`)
      .option('--until-idle', 'exit once the group has consumed everything and nothing new arrives')
      .option('--idle-ms <ms>', 'quiet time that counts as idle', String(INGEST_DEFAULTS.idleMs))
      .option('--batch-size <n>', 'events per store transaction (file)', String(INGEST_DEFAULTS.batchSize))
      .option(
        '--session-timeout-ms <ms>',
        'how long the group waits for a silent member before another takes its partitions',
        String(INGEST_DEFAULTS.sessionTimeoutMs),
      )
      .option(
        '--heartbeat-ms <ms>',
        'how often a member tells the group it is alive (at most a third of the session timeout)',
        String(INGEST_DEFAULTS.heartbeatIntervalMs),
      )
      .option(
        '--fetch-bytes <n>',
        'the most bytes one fetch takes from a partition: the size of a batch from Kafka',
        String(INGEST_DEFAULTS.fetchBytesPerPartition),
      )
      .option('--not-before <date>', 'refuse events with a time or date before this day (implausible-time)', INGEST_DEFAULTS.timeBounds.notBefore)
      .option(
        '--max-ahead-hours <h>',
        'refuse events with a time this long after the moment of ingest (implausible-time)',
        String(INGEST_DEFAULTS.timeBounds.maxAheadMs / 3_600_000),
      )
      .addOption(storeOption())
      .addOption(logLevelOption())
      .action((opts: Record<string, unknown>) => ingestCommand(opts, out)),
  );

  program
    .command('project')
    .description('bring the daily-counts view up to the end of the log')
    .option('--until-caught-up', 'exit at the end of the log instead of following it')
    .option('--batch-size <n>', projectBatchHelp, String(PROJECTOR_DEFAULTS.batchSize))
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => projectCommand(opts, out));

  program
    .command('replay')
    .description('rebuild a projection from the whole log into a new version while the live one serves reports, then switch to it')
    .argument('[projection]', 'projection to rebuild (daily-counts)')
    .option('--all', 'rebuild every projection, one after another')
    .option('--batch-size <n>', projectBatchHelp, String(PROJECTOR_DEFAULTS.batchSize))
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((projection: string | undefined, opts: Record<string, unknown>) => replayCommand(projection, opts, out));

  program
    .command('migrate')
    .description('bring the store schema to the current version (every command also does this on start)')
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => migrateCommand(opts, out));

  program
    .command('report')
    .description(
      'print the dossier figures for a period, from the projected view, saying how much of the log they count and warning when the view is behind it',
    )
    .option('--from <date>', 'first day (YYYY-MM-DD, Asia/Ho_Chi_Minh)')
    .option('--to <date>', 'last day, inclusive')
    .option('--period <spec>', 'a reporting period instead of --from/--to: 2024, 2024-H1, 2024-Q2, 2024-03')
    .addOption(
      new Option('--cutoff <kind>', 'period boundaries: calendar, or the Decree 09/2019 windows (15th to 14th)')
        .choices([...periodCutoff.options])
        .default(CLI_DEFAULTS.cutoff),
    )
    .addOption(
      new Option(
        '--format <format>',
        'output format; narrative: the paragraphs of a province report (II.2.d, II.2.g) in Vietnamese; form: the standard statistics form; xlsx: the form as a spreadsheet (with --out, or stdout redirected to a file)',
      )
        .choices([...REPORT_FORMATS])
        .default(CLI_DEFAULTS.format),
    )
    .addOption(new Option('--by <grouping>', 'rows by level, or by agency within each level').choices([...REPORT_GROUPINGS]).default(CLI_DEFAULTS.by))
    .option('--out <file>', 'write the report to this file instead of stdout (replaced whole, never left half-written)')
    .option('--fail-if-behind', 'for reporting jobs: fail with REPORT_BEHIND_LOG, printing no report, when the view has not counted every event of the log')
    .option(
      '--map <date>',
      "count every figure under the agencies in force on DATE, through their successors (e.g. today's map, to compare years); default: each figure under the agency in force on its own day",
    )
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => reportCommand(opts, out));

  program
    .command('status')
    .description("ingest's conservation counts, dead and parked letters, and each projection's live version, lag, rate and any version being built")
    .addOption(storeOption())
    .addOption(new Option('--format <format>', 'text tables (the default on a terminal) or json (the default when piped)').choices(['text', 'json']))
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => statusCommand(opts, out));

  program
    .command('serve')
    .description(
      "serves the HTTP API (reports, status, dead letters, operator actions, /metrics) and the dashboard over the store's views, until SIGINT or SIGTERM",
    )
    .addOption(storeOption())
    .option('--config <file>', 'JSON configuration: host, port, tokens, anonymousRead, corsOrigins, rateLimit (docs/api.md)')
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default 8080; 0 picks a free one)')
    .addOption(logLevelOption())
    .addHelpText('after', '\nTokens may also come from TTHC_API_TOKENS: name:role:sha256 entries, comma-separated (tthc token makes them).')
    .action((opts: Record<string, unknown>) => serveCommand(opts, out));

  program
    .command('token')
    .description("makes a bearer token for tthc serve: prints it once, with the record of its hash for the server's configuration")
    .requiredOption('--name <name>', 'who holds it, as the logs will name them')
    .addOption(
      new Option('--role <role>', 'reader: figures and status; operator: also redrive and replay').choices(['reader', 'operator']).makeOptionMandatory(),
    )
    .action((opts: Record<string, unknown>) => tokenCommand(opts, out));

  const dlq = program.command('dlq').description('dead letters: messages ingest could not store, with their reasons');
  dlq
    .command('list')
    .description('list letters, one JSON line each')
    .option('--status <status>', 'dead, parked or resolved')
    .option('--reason <code>', 'only this reason')
    .option('--limit <n>', 'at most this many', String(CLI_DEFAULTS.dlqListLimit))
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => dlqListCommand(opts, out));
  dlq
    .command('redrive')
    .description('run dead letters through ingest again (after fixing the registry or a source system)')
    .option('--reason <code>', 'only letters with this reason')
    .option('--limit <n>', 'at most this many', String(CLI_DEFAULTS.dlqRedriveLimit))
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => dlqRedriveCommand(opts, out));

  program
    .command('backup')
    .description('copy an SQLite store while the pipeline keeps writing to it: one committed state, checked, written whole or not at all')
    .addOption(storeOption())
    .requiredOption('--out <file>', 'the copy (replaced whole once checked)')
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => backupCommand(opts, out));

  const db = program.command('db').description('the PostgreSQL store as a province deploys it');
  db.command('roles')
    .description(
      "create the store's roles (<prefix>_owner, _ingest, _projector, _reader, _operator), migrate as the owner and grant each role only its tables (docs/deploy.md); run as an administrator",
    )
    .addOption(storeOption())
    .option('--prefix <name>', "the roles' names start with this", 'tthc')
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => dbRolesCommand(opts, out));

  dlq
    .command('purge')
    .description('remove dead and resolved letters older than the retention (parked ones stay); each stays counted as purged')
    .addOption(
      new Option('--older-than <days>', 'retention: letters last changed more than this many days ago')
        .env('TTHC_DLQ_RETENTION_DAYS')
        .default(String(CLI_DEFAULTS.dlqRetentionDays)),
    )
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((opts: Record<string, unknown>) => dlqPurgeCommand(opts, out));

  const registry = program.command('registry').description('agency registry files');
  registry
    .command('import')
    .description("validate a registry file and make it the store's registry: ingest authorises sources against it")
    .argument('<file>', 'registry JSON file')
    .addOption(storeOption())
    .addOption(logLevelOption())
    .action((file: string, opts: Record<string, unknown>) => registryImportCommand(file, opts, out));
  registry
    .command('check')
    .description('validate an agency registry file and count its agencies by level on a day')
    .argument('<file>', 'registry JSON file')
    .option('--on <date>', 'count the agencies valid on this day (default: today)')
    .action((file: string, opts: Record<string, unknown>) => registryCheckCommand(file, opts, out));

  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander has printed its own message: help or version (exit 0), or a usage mistake (exit 2, as other bad input).
      process.exitCode = (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(errorLine(error));
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    // An error may carry its own exit code (130 after SIGINT); else 2 for bad input, 1 otherwise.
    process.exitCode = typeof exitCode === 'number' ? exitCode : errorCodeOf(error) === 'USAGE' ? 2 : 1;
  }
}

/** What a failed command prints on stderr: the code of the pipeline's own errors (docs/errors.md) before the message. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCodeOf(error);
  return code !== undefined ? `tthc [${code}]: ${message}\n` : `tthc: ${message}\n`;
}

/** After a command has returned, the process exits within this, whatever handle a client left open. */
const EXIT_BOUND_MS = 5_000;

if (require.main === module) {
  void main().finally(() => {
    const exit = setTimeout(() => {
      const open = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
      process.stderr.write(`tthc: exiting although handles are still open (${open.join(', ') || 'timers'})\n`);
      process.exit();
    }, EXIT_BOUND_MS);
    exit.unref();
  });
}
