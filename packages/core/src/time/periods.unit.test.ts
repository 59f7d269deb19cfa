import { dayRange, parsePeriod, PeriodError, periodSpec, type PeriodCutoff } from './periods';

describe('parsePeriod', () => {
  it.each<[string, PeriodCutoff, string, string]>([
    // calendar: the natural range
    ['2024', 'calendar', '2024-01-01', '2024-12-31'],
    ['2024-H1', 'calendar', '2024-01-01', '2024-06-30'],
    ['2024-H2', 'calendar', '2024-07-01', '2024-12-31'],
    ['2024-Q1', 'calendar', '2024-01-01', '2024-03-31'],
    ['2024-Q2', 'calendar', '2024-04-01', '2024-06-30'],
    ['2024-Q3', 'calendar', '2024-07-01', '2024-09-30'],
    ['2024-Q4', 'calendar', '2024-10-01', '2024-12-31'],
    ['2024-01', 'calendar', '2024-01-01', '2024-01-31'],
    ['2024-02', 'calendar', '2024-02-01', '2024-02-29'], // leap year
    ['2023-02', 'calendar', '2023-02-01', '2023-02-28'],
    ['2100-02', 'calendar', '2100-02-01', '2100-02-28'], // century, not a leap year
    ['2000-02', 'calendar', '2000-02-01', '2000-02-29'], // divisible by 400, leap
    ['2024-04', 'calendar', '2024-04-01', '2024-04-30'],
    ['2024-12', 'calendar', '2024-12-01', '2024-12-31'],
    // Decree 09/2019: 15th of the month before .. 14th
    ['2024', 'decree-09', '2023-12-15', '2024-12-14'],
    ['2024-H1', 'decree-09', '2023-12-15', '2024-06-14'], // crosses the year boundary
    ['2024-H2', 'decree-09', '2024-06-15', '2024-12-14'],
    ['2024-Q1', 'decree-09', '2023-12-15', '2024-03-14'],
    ['2024-Q2', 'decree-09', '2024-03-15', '2024-06-14'],
    ['2024-Q3', 'decree-09', '2024-06-15', '2024-09-14'],
    ['2024-Q4', 'decree-09', '2024-09-15', '2024-12-14'],
    ['2024-01', 'decree-09', '2023-12-15', '2024-01-14'],
    ['2024-02', 'decree-09', '2024-01-15', '2024-02-14'],
    ['2024-03', 'decree-09', '2024-02-15', '2024-03-14'],
    ['2024-12', 'decree-09', '2024-11-15', '2024-12-14'],
  ])('%s (%s) = %s .. %s', (spec, cutoff, from, to) => {
    expect(parsePeriod(spec, cutoff)).toEqual({ from, to });
  });

  it('tiles the year without gaps or overlaps under Decree 09', () => {
    const months = Array.from({ length: 12 }, (_, i) => parsePeriod(`2024-${String(i + 1).padStart(2, '0')}`, 'decree-09'));
    expect(months[0]!.from).toBe(parsePeriod('2024', 'decree-09').from);
    expect(months[11]!.to).toBe(parsePeriod('2024', 'decree-09').to);
    for (let i = 1; i < 12; i += 1) expect(months[i]!.from.slice(5)).toBe(`${String(i).padStart(2, '0')}-15`);
  });

  it.each(['2024-H3', '2024-13', '24-H1', '2024-Q0', '', '2024-Q5', '2024-00', '2024-3', '2024-h1', ' 2024', '2024-H1 ', '2024-03-01'])(
    'refuses %j, naming it and the accepted forms',
    (spec) => {
      for (const cutoff of ['calendar', 'decree-09'] as const) {
        const attempt = () => parsePeriod(spec, cutoff);
        expect(attempt).toThrow(PeriodError);
        expect(attempt).toThrow(`invalid period ${JSON.stringify(spec)}: expected YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..YYYY-Q4 or YYYY-MM`);
      }
      expect(periodSpec.safeParse(spec).success).toBe(false);
    },
  );

  it('carries the INVALID_PERIOD code', () => {
    const error: unknown = (() => {
      try {
        return parsePeriod('2024-H3', 'calendar');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PeriodError);
    expect(error).toMatchObject({ code: 'INVALID_PERIOD', name: 'PeriodError' });
  });
});

describe('periodSpec', () => {
  it.each(['2024', '2024-H1', '2024-H2', '2024-Q1', '2024-Q4', '2024-01', '2024-12'])('accepts %s', (spec) => {
    expect(periodSpec.parse(spec)).toBe(spec);
  });

  it('explains the accepted forms', () => {
    const result = periodSpec.safeParse('2024-H3');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/YYYY-H1/);
  });
});

describe('dayRange', () => {
  it.each([
    ['2024-01-01', '2024-01-31'],
    ['2024-02-29', '2024-02-29'], // one day, leap day
    ['2023-12-15', '2024-06-14'],
  ])('accepts %s .. %s', (from, to) => {
    expect(dayRange(from, to)).toEqual({ from, to });
  });

  it.each([
    ['2024-02-30', '2024-03-31', /invalid "from" date "2024-02-30"/],
    ['2023-02-29', '2023-03-31', /invalid "from" date "2023-02-29"/], // not a leap year
    ['2024-01-01', '2024-02-30', /invalid "to" date "2024-02-30"/],
    ['2024-1-01', '2024-02-01', /invalid "from" date "2024-1-01"/],
    ['2024-01-01', '20240201', /invalid "to" date "20240201"/],
    ['2024-01-01', '', /invalid "to" date ""/],
    ['2024-03-15', '2024-03-14', /"from" 2024-03-15 is after "to" 2024-03-14/],
  ])('refuses %j .. %j', (from, to, message) => {
    expect(() => dayRange(from, to)).toThrow(PeriodError);
    expect(() => dayRange(from, to)).toThrow(message);
  });
});
