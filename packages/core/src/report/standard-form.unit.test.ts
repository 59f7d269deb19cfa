import { reportTestRegistry } from '../test-data/report-registry';
import type { AgencyMetricTotal, AgencyOpenDossiers } from '../projection/daily-counts-store';
import { balanceOf } from './balance';
import { buildDailyCountsReport } from './daily-counts-report';
import { formatReport } from './format-report';
import { FORM_COLUMNS, standardForm } from './standard-form';

const { registry } = reportTestRegistry([
  ['000.00.01.H36', 'province', null],
  ['000.00.02.H36', 'province', null],
  ['000.00.31.H36', 'district', '000.00.01.H36'],
  ['000.01.31.H36', 'commune', '000.00.31.H36'],
]);

/** Two departments, a district and a commune, every figure of the form different, each row balanced. */
const totals: AgencyMetricTotal[] = [
  ...(
    [
      ['000.00.01.H36', 40, 25, 10, 5, 12, 9, 7, 2, 1],
      ['000.00.02.H36', 30, 20, 6, 4, 11, 8, 3, 1, 2],
      ['000.00.31.H36', 20, 10, 8, 2, 6, 5, 2, 1, 1],
      ['000.01.31.H36', 50, 30, 15, 5, 20, 19, 6, 2, 0],
    ] as const
  ).flatMap(([agencyCode, received, online, inPerson, postal, early, onTime, late, withdrawn, handedBack]) =>
    (
      [
        ['received', received],
        ['received.online', online],
        ['received.in-person', inPerson],
        ['received.postal', postal],
        ['resolved.early', early],
        ['resolved.on-time', onTime],
        ['resolved.late', late],
        ['withdrawn', withdrawn],
        ['handed-back', handedBack],
      ] as const
    ).map(([metric, value]) => ({ agencyCode, metric, value })),
  ),
];
// carried over + received = resolved + in progress + withdrawn + handed back, per agency.
const open: AgencyOpenDossiers[] = [
  { agencyCode: '000.00.01.H36', carriedOver: 3, notDue: 8, overdue: 4 },
  { agencyCode: '000.00.02.H36', carriedOver: 2, notDue: 4, overdue: 3 },
  { agencyCode: '000.00.31.H36', carriedOver: 1, notDue: 5, overdue: 1 },
  { agencyCode: '000.01.31.H36', carriedOver: 4, notDue: 6, overdue: 1 },
];
const report = buildDailyCountsReport({ from: '2024-01-01', to: '2024-06-30' }, totals, '42/42', registry, open);

/** The cells of a text table's row that starts with `label`, split on runs of two spaces or more. */
const rowOf = (text: string, label: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(label))
    ?.split(/ {2,}/)
    .map((c) => c.trim());

describe("the report in the standard statistics form's layout (#18, point 6)", () => {
  it('has every column of the form, each row balancing as the form does', () => {
    expect(FORM_COLUMNS.map((c) => `${c.group ?? ''}/${c.label}`)).toEqual([
      'Số hồ sơ nhận giải quyết/Tổng số',
      'Số hồ sơ nhận giải quyết/Kỳ trước chuyển qua',
      'Số hồ sơ nhận giải quyết/Trực tuyến',
      'Số hồ sơ nhận giải quyết/Trực tiếp',
      'Số hồ sơ nhận giải quyết/Bưu chính',
      'Số hồ sơ đã giải quyết/Tổng số',
      'Số hồ sơ đã giải quyết/Trước hạn',
      'Số hồ sơ đã giải quyết/Đúng hạn',
      'Số hồ sơ đã giải quyết/Quá hạn',
      'Số hồ sơ đang giải quyết/Tổng số',
      'Số hồ sơ đang giải quyết/Trong hạn',
      'Số hồ sơ đang giải quyết/Quá hạn',
      '/Rút hồ sơ',
      '/Trả lại',
    ]);
    const form = standardForm(report, 'level');
    expect(form.rows.map((r) => r.label)).toEqual(['Sở, ban, ngành (2)', 'UBND cấp huyện (1)', 'UBND cấp xã (1)', 'Tổng cộng']);
    for (const row of form.rows) {
      const [takenIn, carried, online, inPerson, postal, resolved, early, onDueDay, late, inProgress, notDue, overdue, withdrawn, handedBack] = row.values;
      expect(balanceOf(row.figures).inflow).toBe(balanceOf(row.figures).outflow);
      expect(takenIn).toBe((carried ?? 0) + (online ?? 0) + (inPerson ?? 0) + (postal ?? 0));
      expect(resolved).toBe((early ?? 0) + (onDueDay ?? 0) + (late ?? 0));
      expect(inProgress).toBe((notDue ?? 0) + (overdue ?? 0));
      expect(takenIn).toBe((resolved ?? 0) + (inProgress ?? 0) + (withdrawn ?? 0) + (handedBack ?? 0));
    }
    expect(form.rows[0]?.values).toEqual([75, 5, 45, 16, 9, 50, 23, 17, 10, 19, 12, 7, 3, 3]);
  });

  it('prints the form as a text table with the groups over their columns, and agencies under their level by agency', () => {
    const text = formatReport(report, 'form');
    expect(text).toMatch(/^Tình hình, kết quả giải quyết thủ tục hành chính\nTừ ngày 01\/01\/2024 đến ngày 30\/06\/2024\n/);
    const lines = text.split('\n');
    const groups = lines.find((l) => l.includes('Số hồ sơ nhận giải quyết')) ?? '';
    const header = lines[lines.indexOf(groups) + 1] ?? '';
    // Each group's heading starts over its first column.
    expect(groups.indexOf('Số hồ sơ đã giải quyết')).toBe(header.indexOf('Tổng số', header.indexOf('Bưu chính')));
    expect(groups.indexOf('Số hồ sơ đang giải quyết')).toBe(header.indexOf('Tổng số', header.indexOf('Quá hạn')));
    expect(rowOf(text, 'Sở, ban, ngành (2)')).toEqual(['Sở, ban, ngành (2)', '75', '5', '45', '16', '9', '50', '23', '17', '10', '19', '12', '7', '3', '3']);
    expect(rowOf(text, 'Tổng cộng')?.slice(1, 3)).toEqual(['150', '10']);
    expect(text).not.toContain('000.00.01.H36');
    const byAgency = formatReport(report, 'form', 'agency').split('\n');
    const province = byAgency.findIndex((l) => l.startsWith('Sở, ban, ngành (2)'));
    expect(byAgency.slice(province + 1, province + 3).map((l) => l.split(/ {2,}/)[1])).toEqual([
      '000.00.01.H36 Cơ quan 000.00.01.H36',
      '000.00.02.H36 Cơ quan 000.00.02.H36',
    ]);
  });

  it('shows carried-over and in-progress dossiers in the text and Markdown tables too', () => {
    const text = formatReport(report, 'text');
    expect(text).toMatch(
      /^Cấp +Kỳ trước chuyển qua +Tiếp nhận +Trực tuyến +Đã giải quyết +Trước hạn +Đúng hạn +Quá hạn +Tỷ lệ trước và đúng hạn +Đang giải quyết/m,
    );
    expect(rowOf(text, 'Sở, ban, ngành (2)')?.slice(0, 10)).toEqual(['Sở, ban, ngành (2)', '5', '70', '45', '50', '23', '17', '10', '80,00%', '19']);
    const markdown = formatReport(report, 'markdown');
    expect(markdown).toContain(
      '| Cấp | Kỳ trước chuyển qua | Tiếp nhận | Trực tuyến | Đã giải quyết | Trước hạn | Đúng hạn | Quá hạn | Tỷ lệ trước và đúng hạn | Đang giải quyết |',
    );
    expect(markdown).toContain('| Sở, ban, ngành (2) | 5 | 70 | 45 | 50 | 23 | 17 | 10 | 80,00% | 19 |');
  });

  it('uses "đúng hạn" for the due day alone in every format, and "trước và đúng hạn" for early and on time together', () => {
    // Early 23 + on the due day 17 = 40, of which the rate is 80%.
    const narrative = formatReport(report, 'narrative');
    expect(narrative).toContain(
      'giải quyết trước và đúng hạn đạt 80,00% trong đó: Tổng số hồ sơ đã giải quyết xong 50 hồ sơ, giải quyết trước và đúng hạn là 40 hồ sơ',
    );
    expect(narrative).toContain('đã giải quyết xong 108 hồ sơ (trước hạn 49, đúng hạn 41, quá hạn 18)');
    // Every figure called "đúng hạn" is a row's due-day count, every "trước và đúng hạn" one its early + on time (the sets are disjoint here).
    const rows = [...Object.values(report.levels), report.total];
    const onDueDay = new Set(rows.map((r) => String(r.resolvedOnDueDay)));
    const earlyOrOnTime = new Set(rows.map((r) => String(r.resolvedOnTime)));
    expect([...onDueDay].some((n) => earlyOrOnTime.has(n))).toBe(false);
    const figures = [...narrative.matchAll(/(trước và )?đúng hạn (?:là )?([\d.]+)/g)].map(([, both, n]) => [both !== undefined, n ?? '']);
    expect(figures.length).toBe(4);
    for (const [both, n] of figures) expect([both, n, (both ? earlyOrOnTime : onDueDay).has(String(n))]).toEqual([both, n, true]);
    for (const format of ['text', 'markdown', 'form'] as const) {
      const text = formatReport(report, format);
      expect([format, text.includes('gồm cả trước hạn'), /Đúng hạn\*/.test(text)]).toEqual([format, false, false]);
    }
    // The tables' "Đúng hạn" column is the due-day count: 17 for the departments, not their 40 early and on time.
    expect(rowOf(formatReport(report, 'text'), 'Sở, ban, ngành (2)')?.[6]).toBe('17');
  });

  it('writes CSV rows as --by asks, with agency names, the period and the log position on each', () => {
    const csv = (by: 'level' | 'agency') =>
      formatReport(report, 'csv', by)
        .trimEnd()
        .split('\r\n')
        .map((l) => l.split(','));
    const [header = [], ...rows] = csv('level');
    const column = (name: string) => header.indexOf(name);
    expect(header.slice(0, 4)).toEqual(['scope', 'level', 'name', 'agencies']);
    expect(header.slice(-6)).toEqual(['from', 'to', 'map', 'position', 'eventsRead', 'eventsBehind']);
    expect(rows.map((r) => r[0])).toEqual(['level:province', 'level:district', 'level:commune', 'total']);
    expect(rows.every((r) => r[column('position')] === '42/42' && r[column('from')] === '2024-01-01' && r[column('to')] === '2024-06-30')).toBe(true);
    const [, ...byAgency] = csv('agency');
    expect(byAgency.map((r) => r[0])).toEqual([
      'level:province',
      '000.00.01.H36',
      '000.00.02.H36',
      'level:district',
      '000.00.31.H36',
      'level:commune',
      '000.01.31.H36',
      'total',
    ]);
    expect(byAgency[1]?.[column('name')]).toBe('Cơ quan 000.00.01.H36');
    expect([byAgency[1]?.[column('resolvedOnDueDay')], byAgency[1]?.[column('resolvedOnTime')], byAgency[1]?.[column('receivedPostal')]]).toEqual([
      '9',
      '21',
      '5',
    ]);
  });
});
