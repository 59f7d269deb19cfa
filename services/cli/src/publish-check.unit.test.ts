import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoDataset } from '@tthc/test-support';
import { checkFeedFile } from './commands/check-feed-file';

const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');

describe('tthc publish of a file with a broken line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-publish-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { events } = generateDemoDataset({ seed: 3, dossiers: 5, period: { from: '2024-01-01', to: '2024-01-31' } });
  const lines = events.slice(0, 6).map((e) => JSON.stringify(e));
  lines[3] = JSON.stringify({ ...events[3], subject: '' });
  lines[4] = '{"not": json';
  const file = join(dir, 'feed.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);

  it('finds every bad line, with its number, field and rule', async () => {
    const check = await checkFeedFile(file);
    expect(check.lines).toBe(6);
    expect(check.badLines).toBe(2);
    expect(check.problems[0]).toMatch(new RegExp(`^${file}:4: .*subject`));
    expect(check.problems[1]).toMatch(new RegExp(`^${file}:5: not JSON`));
  });

  it('sends nothing and says so, before it ever reaches for the broker (exit 2)', () => {
    // Nothing listens on port 1: a command that tried Kafka first would fail on the connection instead.
    const result = spawnSync('bash', [LAUNCHER, 'publish', file, '--brokers', '127.0.0.1:1'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`tthc [USAGE]: ${file}: 2 of 6 lines are not valid; nothing was sent`);
    expect(result.stderr).toContain(`${file}:4: `);
    expect(result.stderr).not.toMatch(/ECONNREFUSED|kafka/i);
  });
});
