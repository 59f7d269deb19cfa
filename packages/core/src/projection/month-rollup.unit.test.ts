import { monthlyIncrements, splitByMonths, splitOpenCounterSums } from './month-rollup';

describe('month rollup', () => {
  it('splits a range into its whole months and the days at its edges', () => {
    expect(splitByMonths({ from: '2024-01-01', to: '2024-06-30' })).toEqual({ months: { from: '2024-01-01', to: '2024-06-01' }, days: [] });
    expect(splitByMonths({ from: '2023-12-15', to: '2024-02-29' })).toEqual({
      months: { from: '2024-01-01', to: '2024-02-01' },
      days: [{ from: '2023-12-15', to: '2023-12-31' }],
    });
    expect(splitByMonths({ from: '2024-01-31', to: '2024-04-01' })).toEqual({
      months: { from: '2024-02-01', to: '2024-03-01' },
      days: [
        { from: '2024-01-31', to: '2024-01-31' },
        { from: '2024-04-01', to: '2024-04-01' },
      ],
    });
  });

  it('keeps a range inside one month, or one day, as days', () => {
    expect(splitByMonths({ from: '2024-02-02', to: '2024-02-28' })).toEqual({ months: undefined, days: [{ from: '2024-02-02', to: '2024-02-28' }] });
    expect(splitByMonths({ from: '2024-12-31', to: '2025-01-01' })).toEqual({ months: undefined, days: [{ from: '2024-12-31', to: '2025-01-01' }] });
    expect(splitByMonths({ from: '2024-03-01', to: '2024-03-01' })).toEqual({ months: undefined, days: [{ from: '2024-03-01', to: '2024-03-01' }] });
    expect(splitByMonths({ from: '2024-03-02', to: '2024-03-01' })).toEqual({ months: undefined, days: [] });
  });

  it('splits the open counters’ prefixes: before the range and through it', () => {
    expect(splitOpenCounterSums({ from: '2024-01-01', to: '2024-06-15' })).toEqual({
      beforeFrom: { months: { from: '0001-01-01', to: '2023-12-01' }, days: [] },
      throughTo: { months: { from: '0001-01-01', to: '2024-05-01' }, days: [{ from: '2024-06-01', to: '2024-06-15' }] },
    });
  });

  it('rolls increments up to their months, either sign', () => {
    const inc = (day: string, value: number) => ({ agencyCode: 'A', day, metric: 'received' as const, value });
    expect(monthlyIncrements([inc('2024-01-31', 2), inc('2024-01-01', -1), inc('2024-02-01', 1)])).toEqual([inc('2024-01-01', 1), inc('2024-02-01', 1)]);
  });
});
