import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoDataset } from '@tthc/test-support';

// `services/cli/bin/tthc` as an operator starts it, on the build (pnpm test builds first).
const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');
// Nothing listens on port 1.
const NOWHERE = '127.0.0.1:1';
// Far below the ~45 s of kafkajs's own retries that a start took before; a hang shows as a null status.
const BOUND_MS = 30_000;

/**
 * Issue #18, point 3: every command that starts a Kafka client, given a broker that is not there,
 * ends with one line that names Kafka and the address (exit 1), and no retry warnings or stacks.
 */
describe('a tthc command whose Kafka does not answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-kafka-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { events } = generateDemoDataset({ seed: 5, dossiers: 3, period: { from: '2024-01-01', to: '2024-01-31' } });
  const feed = join(dir, 'feed.ndjson');
  writeFileSync(feed, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

  it.each([
    ['ingest', ['ingest', '--brokers', NOWHERE, '--until-idle', '--store', `sqlite:${join(dir, 'ingest.sqlite')}`]],
    ['publish', ['publish', feed, '--brokers', NOWHERE]],
    [
      'simulate --kafka',
      [
        'simulate',
        '--profile',
        join(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles', 'lam-dong-2024-h1.json'),
        '--scale',
        '0.01',
        '--kafka',
        '--brokers',
        NOWHERE,
      ],
    ],
  ])('%s fails within seconds, naming Kafka and the brokers, in one line', (_name, args) => {
    const result = spawnSync('bash', [LAUNCHER, ...args], { encoding: 'utf8', timeout: BOUND_MS, env: { ...process.env, CI: '1' } });
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.trim().length > 0);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^tthc \\[KAFKA_UNAVAILABLE\\]: Kafka unavailable: no broker answered at ${NOWHERE} \\(connect ECONNREFUSED`)),
    ]);
    expect(result.stdout).toBe('');
  });
});
