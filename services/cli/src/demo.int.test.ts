import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCount, generateDemoDataset } from '@tthc/core';
import { runTthc } from '@tthc/test-support';

describe('tthc demo on the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = ['demo', '--dossiers', '800', '--seed', '5', '--store', `sqlite:${join(dir, 'tthc.sqlite')}`, '--out', join(dir, 'feed.ndjson')];

  it('prints the report of the feed it generated, and the same report when run again', async () => {
    const { expected } = generateDemoDataset({ seed: 5, dossiers: 800, period: { from: '2024-01-01', to: '2024-06-30' } });
    const text = await runTthc(...args);
    const totalLine = text.split('\n').find((l) => l.startsWith('Tổng cộng'));
    const resolved = expected.total.resolvedEarly + expected.total.resolvedOnTime + expected.total.resolvedLate;
    expect(totalLine?.split(/\s{2,}/).slice(1, 4)).toEqual([
      formatCount(expected.total.received),
      formatCount(expected.total.receivedOnline),
      formatCount(resolved),
    ]);
    // Same seed, same event ids: the second run appends nothing and the figures stay put.
    expect(await runTthc(...args)).toBe(text);
  });

  it('refuses a bad option with the option and the rule', async () => {
    await expect(runTthc('report', '--from', '2024-13-01', '--to', '2024-06-30')).rejects.toThrow(/--from: must be a calendar date/);
    await expect(runTthc('report', '--from', '2024-07-01', '--to', '2024-06-30', '--store', `sqlite:${join(dir, 'x.sqlite')}`)).rejects.toThrow(
      /--to: must not be before --from/,
    );
    await expect(runTthc('report', '--from', '2024-01-01', '--to', '2024-06-30', '--store', 'mysql://x')).rejects.toThrow(
      /--store: must be sqlite:PATH or postgres:/,
    );
  });
});

describe('tthc migrate', () => {
  it('applies every migration to a new store once, and nothing the second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tthc-migrate-'));
    try {
      const store = `sqlite:${join(dir, 'new.sqlite')}`;
      const first = JSON.parse(await runTthc('migrate', '--store', store)) as { migrate: { version: number; applied: number[] } };
      expect(first.migrate.applied).toEqual(Array.from({ length: first.migrate.version }, (_, i) => i + 1));
      const second = JSON.parse(await runTthc('migrate', '--store', store)) as { migrate: { version: number; applied: number[] } };
      expect(second.migrate).toMatchObject({ version: first.migrate.version, applied: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
