import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTthc } from '@tthc/test-support';

const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');

/** Issue #18: `tthc status` reads as tables at a terminal, and stays JSON for scripts. */
describe('tthc status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-status-'));
  const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    await runTthc('demo', '--scale', '0.005', '--store', store, '--out', join(dir, 'feed.ndjson'));
    // Two lines that are not events: two dead letters with their reasons.
    writeFileSync(join(dir, 'bad.ndjson'), '{"not": json\n{"specversion":"1.0"}\n');
    await runTthc('ingest', '--file', join(dir, 'bad.ndjson'), '--store', store).catch(() => undefined);
  }, 120_000);

  it('shows projections, ingest balance and letters by reason as tables', async () => {
    const text = await runTthc('status', '--store', store, '--format', 'text');
    expect(text).toMatch(/^ {2}projection +live +events read +behind \(events\) +behind \(time\)/m);
    expect(text).toMatch(/^ {2}daily-counts +v1 +\d+ +0 +caught up/m);
    expect(text).toContain('ingest: balanced');
    expect(text).toMatch(/^ {2}total +\d+/m);
    expect(text).toMatch(/^dead letters: 2 \(1 invalid-json, 1 invalid-event\)$|^dead letters: 2 \(1 invalid-event, 1 invalid-json\)$/m);
    expect(text).not.toContain('{');
  });

  it('prints JSON when its output is piped, as scripts read it', () => {
    const result = spawnSync('bash', [LAUNCHER, 'status', '--store', store], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const status = JSON.parse(result.stdout) as { letters: { dead: number; byReason: { dead: Record<string, number> } } };
    expect(status.letters.dead).toBe(2);
    expect(status.letters.byReason.dead).toEqual({ 'invalid-json': 1, 'invalid-event': 1 });
  });
});
