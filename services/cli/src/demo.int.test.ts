import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balanceOf, formatCount, type BalanceFigures } from '@tthc/core';
import { scaleProfile, type SimulationProfile } from '@tthc/simulator';
import ExcelJS from 'exceljs';
import { DEMO_PROFILE } from './commands/demo';
import { buildProgram } from './main';
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
    // Columns: level (agencies), carried over, received, online, resolved, early, on the due day, late, rate, in progress, payments.
    const count = (cell: string | undefined) => Number((cell ?? '').replace(/\./g, ''));
    for (const [label, level] of [
      ['Sở, ban, ngành (19)', levels.province],
      ['UBND cấp xã (142)', levels.commune],
    ] as const) {
      const cells = row(label);
      expect([label, cells[4], count(cells[5]) + count(cells[6])]).toEqual([label, formatCount(level?.resolved ?? -1), level?.resolvedOnTime]);
    }
    expect(row('Tổng cộng')[10]).toBe(formatCount(loaded.profile.onlinePayments ?? -1));
    // Same seed, same event ids: the second run appends nothing and the figures stay put.
    expect(await runTthc(...args)).toBe(text);
  });

  describe('as the standard form (#18, point 6)', () => {
    const store = ['--store', `sqlite:${join(dir, 'tthc.sqlite')}`];
    const sheetOf = async (file: string) => {
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(file);
      const sheet = book.getWorksheet('Biểu mẫu');
      if (!sheet) throw new Error(`${file} has no sheet Biểu mẫu`);
      return sheet;
    };
    /** The sheet's rows as [label, ...numbers], from the one whose first cell is `first` to the total. */
    const bodyOf = (sheet: ExcelJS.Worksheet, first: string) => {
      const rows: (string | number)[][] = [];
      sheet.eachRow((r) =>
        rows.push((r.values as ExcelJS.CellValue[]).slice(1).map((v) => (typeof v === 'number' ? v : typeof v === 'string' ? v : JSON.stringify(v)))),
      );
      const start = rows.findIndex((r) => r[0] === first);
      return rows.slice(start, rows.findIndex((r) => r[0] === 'Tổng cộng') + 1);
    };

    it('writes the form to an .xlsx file whose cells are the report figures, with each group heading merged over its columns', async () => {
      const file = join(dir, 'bieu-mau.xlsx');
      expect(await runTthc('report', '--period', '2024-H1', '--format', 'xlsx', '--out', file, ...store)).toBe('');
      const sheet = await sheetOf(file);
      const report = JSON.parse(await runTthc('report', '--period', '2024-H1', '--format', 'json', ...store)) as {
        levels: Record<string, { agencies: number; resolvedOnTime: number; resolvedEarly: number; resolvedLate: number }>;
        total: BalanceFigures & { receivedOnline: number; resolvedEarly: number; resolvedOnDueDay: number; resolvedLate: number };
      };
      const body = bodyOf(sheet, 'Sở, ban, ngành (19)');
      expect(body.map((r) => r[0])).toEqual(['Sở, ban, ngành (19)', 'UBND cấp huyện (12)', 'UBND cấp xã (142)', 'Tổng cộng']);
      const t = report.total;
      expect(body[3]).toEqual([
        'Tổng cộng',
        t.carriedOver + t.received,
        t.carriedOver,
        t.receivedOnline,
        expect.any(Number),
        expect.any(Number),
        t.resolved,
        t.resolvedEarly,
        t.resolvedOnDueDay,
        t.resolvedLate,
        t.inProgressAtEnd.notDue + t.inProgressAtEnd.overdue,
        t.inProgressAtEnd.notDue,
        t.inProgressAtEnd.overdue,
        t.withdrawn,
        t.handedBack,
      ]);
      const province = report.levels.province;
      expect([body[0]?.[7], body[0]?.[8]]).toEqual([province?.resolvedEarly, (province?.resolvedOnTime ?? 0) - (province?.resolvedEarly ?? 0)]);
      // The groups' headings span their columns; the row heading and the single columns span both heading rows.
      const heading = sheet.getColumn(1).values.findIndex((v) => v === 'Đơn vị');
      const merged = (address: string) => (sheet.getCell(address).master.address === address ? undefined : sheet.getCell(address).master.address);
      expect(sheet.getRow(heading).getCell(2).value).toBe('Số hồ sơ nhận giải quyết');
      expect(merged(sheet.getRow(heading).getCell(6).address)).toBe(sheet.getRow(heading).getCell(2).address);
      expect(sheet.getRow(heading).getCell(7).value).toBe('Số hồ sơ đã giải quyết');
      expect(sheet.getRow(heading + 1).getCell(9).value).toBe('Đúng hạn');
      expect(merged(sheet.getRow(heading + 1).getCell(1).address)).toBe(sheet.getRow(heading).getCell(1).address);
      expect(merged(sheet.getRow(heading + 1).getCell(15).address)).toBe(sheet.getRow(heading).getCell(15).address);
    });

    it('adds each agency under its level by agency, and says how much of the log it counts', async () => {
      const file = join(dir, 'bieu-mau-co-quan.xlsx');
      await runTthc('report', '--period', '2024-H1', '--format', 'xlsx', '--by', 'agency', '--out', file, ...store);
      const sheet = await sheetOf(file);
      const body = bodyOf(sheet, 'Sở, ban, ngành (19)');
      expect(body.length).toBe(4 + 19 + 12 + 142);
      expect(String(body[1]?.[0])).toMatch(/^\d{3}\.\d{2}\.\d{2}\.H36 /);
      const texts: string[] = [];
      sheet.eachRow((r) => texts.push(r.getCell(1).text));
      expect(texts.some((t) => /^Số liệu tổng hợp [\d.]+ sự kiện đầu tiên của nhật ký sự kiện/.test(t))).toBe(true);
    });

    it('refuses to print a spreadsheet on a terminal, and writes its bytes to stdout when redirected', async () => {
      const run = async (isTerminal: boolean) => {
        const chunks: Uint8Array[] = [];
        const program = buildProgram({ write: () => Promise.reject(new Error('text')), writeBytes: (b) => (chunks.push(b), Promise.resolve()), isTerminal });
        await program.parseAsync(['node', 'tthc', 'report', '--period', '2024-H1', '--format', 'xlsx', ...store]);
        return Buffer.concat(chunks);
      };
      await expect(run(true)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('--format xlsx: writes a spreadsheet') as unknown });
      const bytes = await run(false);
      expect(bytes.subarray(0, 2).toString()).toBe('PK');
      const file = join(dir, 'piped.xlsx');
      writeFileSync(file, bytes);
      expect(bodyOf(await sheetOf(file), 'Sở, ban, ngành (19)').length).toBe(4);
    });

    it('prints the form on a terminal, and writes any text format to --out instead of stdout', async () => {
      const form = await runTthc('report', '--period', '2024-H1', '--format', 'form', ...store);
      expect(form).toMatch(/^Đơn vị +Tổng số +Kỳ trước chuyển qua +Trực tuyến +Trực tiếp +Bưu chính +Tổng số +Trước hạn +Đúng hạn +Quá hạn/m);
      const file = join(dir, 'report.md');
      expect(await runTthc('report', '--period', '2024-H1', '--format', 'markdown', '--out', file, ...store)).toBe('');
      expect(readFileSync(file, 'utf8')).toBe(await runTthc('report', '--period', '2024-H1', '--format', 'markdown', ...store));
    });
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
    expect(header.slice(0, 6)).toEqual(['scope', 'level', 'name', 'agencies', 'received', 'receivedOnline']);
    const scopes = csv.map((l) => l.split(',')[0] ?? '');
    expect(scopes.slice(1)).toEqual(['level:province', 'level:district', 'level:commune', 'total']);
    // By agency, each agency follows its level's row, in code order.
    const byAgency = (await runTthc('report', '--period', '2024-Q2', '--format', 'csv', '--by', 'agency', '--store', store)).trimEnd().split('\r\n');
    const levelRows = byAgency.map((l, i) => [l.split(',')[0] ?? '', i] as const).filter(([scope]) => scope.startsWith('level:'));
    expect(levelRows.map(([scope]) => scope)).toEqual(['level:province', 'level:district', 'level:commune']);
    const provinceAgencies = byAgency.slice((levelRows[0]?.[1] ?? 0) + 1, levelRows[1]?.[1]).map((l) => l.split(',')[0] ?? '');
    expect(provinceAgencies.length).toBe(19);
    expect(provinceAgencies.every((s) => /^\d{3}\.\d{2}\.\d{2}\.H36$/.test(s))).toBe(true);
    expect(provinceAgencies).toEqual([...provinceAgencies].sort());
    const total = Object.fromEntries(header.map((h, i) => [h, csv.at(-1)?.split(',')[i]]));
    expect([Number(total.received), Number(total.resolved), Number(total.carriedOver)]).toEqual([
      report.total.received,
      report.total.resolved,
      (report.total as unknown as { carriedOver: number }).carriedOver,
    ]);
    const markdown = await runTthc('report', '--period', '2024-Q2', '--format', 'markdown', '--store', store);
    expect(markdown).toMatch(/^\| Cấp \| Kỳ trước chuyển qua \| Tiếp nhận \|/m);
    expect(markdown).toMatch(/^\| Sở, ban, ngành \(19\) \| /m);
    const t = report.total as unknown as { carriedOver: number; received: number };
    expect(markdown).toMatch(new RegExp(`^\\| Tổng cộng \\| ${t.carriedOver.toLocaleString('de-DE')} \\| ${t.received.toLocaleString('de-DE')} \\|`, 'm'));
  });

  it('refuses a period together with dates, and a period it cannot read', async () => {
    await expect(runTthc('report', '--period', '2024-H1', '--from', '2024-01-01', '--to', '2024-06-30', '--store', store)).rejects.toThrow(
      /--period: give either --period/,
    );
    await expect(runTthc('report', '--period', '2024-H3', '--store', store)).rejects.toThrow(/--period/);
  });
});
