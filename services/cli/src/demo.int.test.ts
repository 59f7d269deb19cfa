import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balanceOf, formatCount, type BalanceFigures } from '@tthc/core';
import { scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { DEMO_PROFILE } from './commands/demo';
import { runTthc } from '@tthc/test-support';

describe('tthc demo on the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = ['demo', '--scale', '0.01', '--seed', '5', '--store', `sqlite:${join(dir, 'tthc.sqlite')}`, '--out', join(dir, 'feed.ndjson')];

  it("prints the report of the Lâm Đồng profile it simulated, with the profile's figures, and the same report when run again", async () => {
    const loaded = scaleProfile(JSON.parse(readFileSync(DEMO_PROFILE, 'utf8')) as SimulationProfile, 0.01);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const { levels } = loaded.profile;
    const text = await runTthc(...args);
    const row = (label: string) =>
      text
        .split('\n')
        .find((l) => l.startsWith(label))
        ?.split(/\s{2,}/) ?? [];
    // Columns: level (agencies), received, online, resolved, early, on time*, late, rate, payments.
    expect([row('Sở, ban, ngành (19)')[3], row('Sở, ban, ngành (19)')[5]]).toEqual([
      formatCount(levels.province?.resolved ?? -1),
      formatCount(levels.province?.resolvedOnTime ?? -1),
    ]);
    expect([row('UBND cấp xã (142)')[3], row('UBND cấp xã (142)')[5]]).toEqual([
      formatCount(levels.commune?.resolved ?? -1),
      formatCount(levels.commune?.resolvedOnTime ?? -1),
    ]);
    expect(row('Tổng cộng')[8]).toBe(formatCount(loaded.profile.onlinePayments ?? -1));
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

describe('tthc report over periods and levels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-report-'));
  const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(async () => {
    await runTthc('demo', '--scale', '0.005', '--seed', '9', '--store', store, '--out', join(dir, 'feed.ndjson'));
  });
  const json = async (...args: string[]) =>
    JSON.parse(await runTthc('report', ...args, '--format', 'json', '--store', store)) as {
      period: { from: string; to: string };
      levels: Record<string, { agencies: number; received: number; resolved: number }>;
      total: { received: number; resolved: number };
    };

  it('takes a named period as its calendar range, or as its Decree 09 window', async () => {
    const byPeriod = await json('--period', '2024-H1');
    expect(byPeriod.period).toEqual({ from: '2024-01-01', to: '2024-06-30' });
    expect(byPeriod).toEqual(await json('--from', '2024-01-01', '--to', '2024-06-30'));
    await expect(json('--period', '2024-H1', '--cutoff', 'decree-09')).resolves.toMatchObject({ period: { from: '2023-12-15', to: '2024-06-14' } });
    await expect(json('--period', '2024-03', '--cutoff', 'decree-09')).resolves.toMatchObject({ period: { from: '2024-02-15', to: '2024-03-14' } });
  });

  it('sums agencies by level from the store registry, and the levels add up to the total', async () => {
    const report = await json('--period', '2024-H1');
    expect(Object.keys(report.levels)).toEqual(['province', 'district', 'commune']);
    expect(Object.values(report.levels).map((l) => l.agencies)).toEqual([19, 12, 142]);
    const sum = (key: 'received' | 'resolved') => Object.values(report.levels).reduce((n, l) => n + l[key], 0);
    expect([sum('received'), sum('resolved')]).toEqual([report.total.received, report.total.resolved]);
    const text = await runTthc('report', '--period', '2024-H1', '--store', store);
    expect(text).toMatch(/^Sở, ban, ngành \(19\)/m);
    expect(text).toMatch(/^UBND cấp xã \(142\)/m);
  });

  it('balances, as the Ministry form does: carried over + received = resolved + in progress at the end + withdrawn + handed back', async () => {
    type Row = BalanceFigures;
    for (const period of ['2024-H1', '2024-Q2', '2024-03', '2024-05']) {
      const report = JSON.parse(await runTthc('report', '--period', period, '--format', 'json', '--store', store)) as {
        levels: Record<string, Row>;
        total: Row;
      };
      for (const [name, r] of [['total', report.total], ...Object.entries(report.levels)] as [string, Row][]) {
        const { inflow, outflow } = balanceOf(r);
        expect([period, name, inflow]).toEqual([period, name, outflow]);
      }
      if (period !== '2024-H1') expect(report.total.carriedOver).toBeGreaterThan(0);
      expect(report.total.inProgressAtEnd.overdue + report.total.inProgressAtEnd.notDue).toBeGreaterThan(0);
    }
  });

  it('gives the same figures as CSV for machines and as a Markdown table for reports', async () => {
    const report = await json('--period', '2024-Q2');
    const csv = (await runTthc('report', '--period', '2024-Q2', '--format', 'csv', '--store', store)).trimEnd().split('\r\n');
    const header = csv[0]?.split(',') ?? [];
    expect(header.slice(0, 5)).toEqual(['scope', 'level', 'agencies', 'received', 'receivedOnline']);
    const scopes = csv.map((l) => l.split(',')[0] ?? '');
    expect(scopes.slice(-4)).toEqual(['level:province', 'level:district', 'level:commune', 'total']);
    const agencyScopes = scopes.slice(1, -4);
    expect(agencyScopes.every((s) => /^\d{3}\.\d{2}\.\d{2}\.H36$/.test(s))).toBe(true);
    expect(agencyScopes).toEqual([...agencyScopes].sort());
    const total = Object.fromEntries(header.map((h, i) => [h, csv.at(-1)?.split(',')[i]]));
    expect([Number(total.received), Number(total.resolved), Number(total.carriedOver)]).toEqual([
      report.total.received,
      report.total.resolved,
      (report.total as unknown as { carriedOver: number }).carriedOver,
    ]);
    const markdown = await runTthc('report', '--period', '2024-Q2', '--format', 'markdown', '--store', store);
    expect(markdown).toMatch(/^\| Cấp \| Tiếp nhận \|/m);
    expect(markdown).toMatch(/^\| Sở, ban, ngành \(19\) \| /m);
    expect(markdown).toMatch(new RegExp(`^\\| Tổng cộng \\| ${report.total.received.toLocaleString('de-DE')} \\|`, 'm'));
  });

  it('refuses a period together with dates, and a period it cannot read', async () => {
    await expect(runTthc('report', '--period', '2024-H1', '--from', '2024-01-01', '--to', '2024-06-30', '--store', store)).rejects.toThrow(
      /--period: give either --period/,
    );
    await expect(runTthc('report', '--period', '2024-H3', '--store', store)).rejects.toThrow(/--period/);
  });
});
