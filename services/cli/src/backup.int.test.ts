import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoRegistry, generateDemoDataset, runTthc } from '@tthc/test-support';

// `services/cli/bin/tthc` as an operator starts it, on the build (pnpm test builds first).
const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');

interface Status {
  ingest: { balanced: boolean; total: { consumed: number; appended: number } };
}

/** Issue #22, point 5: `tthc backup`, the SQLite store's online backup, for a province's nightly copy and its restore drill. */
describe('tthc backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = join(dir, 'store.sqlite');
  const { events } = generateDemoDataset({ seed: 4, dossiers: 4000, period: { from: '2024-01-01', to: '2024-06-30' } });
  const feed = join(dir, 'feed.ndjson');
  writeFileSync(feed, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
  const status = async (path: string) => JSON.parse(await runTthc('status', '--format', 'json', '--store', `sqlite:${path}`)) as Status;

  it('copies the store while ingest writes to it: the copy is one committed state, whose books balance', async () => {
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', `sqlite:${store}`);
    const ingest = spawn('bash', [LAUNCHER, 'ingest', '--file', feed, '--batch-size', '500', '--store', `sqlite:${store}`], {
      stdio: 'ignore',
      env: { ...process.env, CI: '1' },
    });
    const ended = new Promise<number | null>((resolve) => ingest.on('close', resolve));
    // Until ingest has stored something, so that the copy is taken in the middle of its work.
    for (let i = 0; i < 200 && (await status(store)).ingest.total.appended === 0; i += 1) await sleep(25);
    const copy = join(dir, 'during.sqlite');
    const printed = JSON.parse(await runTthc('backup', '--store', `sqlite:${store}`, '--out', copy)) as {
      backup: { to: string; bytes: number; pages: number };
    };
    expect(printed.backup).toMatchObject({ to: copy, bytes: expect.any(Number) as number, pages: expect.any(Number) as number });
    expect(await ended).toBe(0);

    const during = await status(copy);
    expect(during.ingest.balanced).toBe(true);
    expect(during.ingest.total.appended).toBeGreaterThan(0);
    expect((await status(store)).ingest.total).toMatchObject({ consumed: events.length, appended: events.length });
    expect(existsSync(`${copy}.partial`)).toBe(false);
  });

  it('restores into a store that reports the same figures as the original', async () => {
    await runTthc('project', '--until-caught-up', '--store', `sqlite:${store}`);
    const copy = join(dir, 'after.sqlite');
    await runTthc('backup', '--store', `sqlite:${store}`, '--out', copy);
    const report = (path: string) => runTthc('report', '--period', '2024-H1', '--format', 'json', '--store', `sqlite:${path}`);
    expect(await report(copy)).toBe(await report(store));
  });

  it('leaves a PostgreSQL store to PostgreSQL, and a missing store file alone', async () => {
    await expect(runTthc('backup', '--store', 'postgres://postgres@127.0.0.1:5432/x', '--out', join(dir, 'x'))).rejects.toThrow(
      /^--store: tthc backup copies an SQLite store; back PostgreSQL up with pg_dump/,
    );
    await expect(runTthc('backup', '--store', `sqlite:${join(dir, 'nothing.sqlite')}`, '--out', join(dir, 'y'))).rejects.toMatchObject({
      code: 'STORE_NOT_FOUND',
    });
    expect(existsSync(join(dir, 'nothing.sqlite'))).toBe(false);
  });
});
