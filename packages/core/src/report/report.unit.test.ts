import { buildDailyCountsReport } from './daily-counts-report';
import { formatCount, formatPercent } from './format-vietnamese';
import { percentHalfUp } from './percent';

describe('percentages', () => {
  it('reproduces the Lâm Đồng H1 2024 rates', () => {
    expect(percentHalfUp(151_017, 157_270)).toBe(96.02);
    expect(percentHalfUp(30_040, 30_727)).toBe(97.76);
    expect(percentHalfUp(196_936, 197_113)).toBe(99.91);
    expect(percentHalfUp(87_036, 87_533)).toBe(99.43);
  });

  it('rounds half up exactly at .xx5', () => {
    expect(percentHalfUp(1, 8)).toBe(12.5);
    expect(percentHalfUp(1, 16)).toBe(6.25);
    expect(percentHalfUp(1, 32)).toBe(3.13); // 3.125 → 3.13
    expect(percentHalfUp(0, 0)).toBeNull();
  });
});

describe('Vietnamese number formatting', () => {
  it('groups thousands with dots and writes a decimal comma', () => {
    expect(formatCount(157_270)).toBe('157.270');
    expect(formatCount(999)).toBe('999');
    expect(formatPercent(96.02)).toBe('96,02%');
    expect(formatPercent(100)).toBe('100,00%');
    expect(formatPercent(null)).toBe('–');
  });
});

describe('daily-counts report', () => {
  it('sums agencies into a total and counts early within on time', () => {
    const report = buildDailyCountsReport(
      { from: '2024-01-01', to: '2024-06-30' },
      [
        { agencyCode: '000.00.01.H36', metric: 'resolved.early', value: 6 },
        { agencyCode: '000.00.01.H36', metric: 'resolved.on-time', value: 2 },
        { agencyCode: '000.00.01.H36', metric: 'resolved.late', value: 2 },
        { agencyCode: '000.00.02.H36', metric: 'resolved.on-time', value: 5 },
        { agencyCode: '000.00.02.H36', metric: 'received', value: 9 },
      ],
      '42/42',
    );
    expect(report.agencies.map((a) => [a.agencyCode, a.resolved, a.resolvedOnTime, a.onTimeRate])).toEqual([
      ['000.00.01.H36', 10, 8, 80],
      ['000.00.02.H36', 5, 5, 100],
    ]);
    expect(report.total).toMatchObject({ received: 9, resolved: 15, resolvedEarly: 6, resolvedOnTime: 13, resolvedLate: 2, onTimeRate: 86.67 });
    expect(report.asOf.position).toBe('42/42');
  });
});
