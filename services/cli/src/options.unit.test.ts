import { buildProgram } from './main';
import { CLI_DEFAULTS } from './defaults';
import { ingestOptions, parseOptions, publishOptions, reportOptions, simulateOptions, UsageError } from './options';

/** What commander hands `tthc ingest` when only --file is given: the defaults of its options. */
function ingestRaw(overrides: Record<string, unknown>): Record<string, unknown> {
  const ingest = buildProgram().commands.find((c) => c.name() === 'ingest');
  if (!ingest) throw new Error('no ingest command');
  ingest.parseOptions(['--file', 'feed.ndjson']);
  return { ...ingest.opts(), ...overrides };
}

function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('expected a UsageError');
}

/** What commander hands a command for these arguments: its options with their defaults. */
function rawOf(command: string, args: string[]): Record<string, unknown> {
  const found = buildProgram().commands.find((c) => c.name() === command);
  if (!found) throw new Error(`no ${command} command`);
  found.parseOptions(args);
  return found.opts();
}

describe('command options', () => {
  it('refuse options that would change nothing, naming both and why', () => {
    expect(usage(() => parseOptions(reportOptions, rawOf('report', ['--from', '2024-01-01', '--to', '2024-06-30', '--cutoff', 'decree-09'])))).toBe(
      '--cutoff: applies to --period only: --from and --to are the days counted, whatever the cutoff',
    );
    expect(usage(() => parseOptions(reportOptions, rawOf('report', ['--period', '2024-H1', '--format', 'narrative', '--by', 'agency'])))).toBe(
      '--by: agency applies to the tables: --format narrative writes the paragraphs by level only',
    );
    expect(parseOptions(reportOptions, rawOf('report', ['--period', '2024-H1', '--cutoff', 'decree-09'])).range).toEqual({
      from: '2023-12-15',
      to: '2024-06-14',
    });
  });

  it("say a missing or mistyped value in plain words, not zod's", () => {
    expect(usage(() => parseOptions(simulateOptions, { ...rawOf('simulate', ['--profile', 'p.json', '--out', 'f.ndjson']), profile: undefined }))).toBe(
      '--profile: is required',
    );
    expect(usage(() => parseOptions(simulateOptions, { ...rawOf('simulate', ['--profile', 'p.json', '--out', 'f.ndjson']), kafka: 'yes' }))).toBe(
      '--kafka: must be a boolean, not "yes"',
    );
  });

  it('give simulate the scale demo has, with the same rule', () => {
    expect(parseOptions(simulateOptions, rawOf('simulate', ['--profile', 'p.json', '--out', 'f.ndjson', '--scale', '0.01'])).scale).toBe(0.01);
    expect(usage(() => parseOptions(simulateOptions, rawOf('simulate', ['--profile', 'p.json', '--out', 'f.ndjson', '--scale', '0'])))).toMatch(/^--scale: /);
  });

  it('take their defaults from the DEFAULTS objects, through commander', () => {
    const options = parseOptions(ingestOptions, ingestRaw({}));
    expect(options).toMatchObject({
      file: 'feed.ndjson',
      batchSize: 5000,
      idleMs: 3000,
      topic: 'tthc.dossier-events.v1',
      group: 'tthc-ingest',
      sessionTimeoutMs: 10_000,
    });
    expect(options.store).toEqual({ kind: 'sqlite', path: CLI_DEFAULTS.store.slice('sqlite:'.length) });
  });

  it('name the flag of a refused option as it is typed', () => {
    expect(usage(() => parseOptions(ingestOptions, ingestRaw({ heartbeatMs: '5000' })))).toBe(
      '--heartbeat-ms: must be at most a third of --session-timeout-ms, so that a live member is not taken for dead',
    );
    expect(usage(() => parseOptions(ingestOptions, ingestRaw({ sessionTimeoutMs: '1000', heartbeatMs: '100' })))).toMatch(/^--session-timeout-ms: /);
  });

  it('check topic names with the rule the publisher uses', () => {
    const message = 'must be a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"';
    expect(usage(() => parseOptions(ingestOptions, ingestRaw({ dlqTopic: 'dead letters' })))).toBe(`--dlq-topic: ${message}`);
    expect(usage(() => parseOptions(publishOptions, { brokers: 'k1:9092', topic: 'events', registryTopic: 'x'.repeat(250), batchSize: '1000' }))).toBe(
      `--registry-topic: ${message}`,
    );
  });
});
