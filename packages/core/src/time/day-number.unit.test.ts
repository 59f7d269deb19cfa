import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addDays, dayNumber, dayOfNumber, daysBetween, tryDayNumber } from './day-number';

const luxonDay = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISODate() as string;
// Any date of years 0001 to 9999, as luxon writes it.
const anyDay = fc.integer({ min: Date.UTC(1, 0, 1) / 86_400_000, max: Date.UTC(9999, 11, 31) / 86_400_000 }).map((n) => luxonDay(n * 86_400_000));

describe('calendar-day arithmetic', () => {
  it('adds days as luxon does, across months, years and leap days', () => {
    fc.assert(
      fc.property(anyDay, fc.integer({ min: -3000, max: 3000 }), (day, n) => {
        const expected = DateTime.fromISO(day, { zone: 'utc' }).plus({ days: n });
        fc.pre(expected.year >= 1 && expected.year <= 9999);
        expect(addDays(day, n)).toBe(expected.toISODate());
      }),
      { numRuns: 20_000 },
    );
  });

  it('counts the days between two dates as luxon does', () => {
    fc.assert(
      fc.property(anyDay, anyDay, (from, to) => {
        const expected = Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);
        expect(daysBetween(from, to)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('steps over month ends and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01'); // not a leap year
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29'); // a leap year
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('numbers days from 1970-01-01 over the four-digit years', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayOfNumber(0)).toBe('1970-01-01');
    expect(dayOfNumber(dayNumber('0000-01-01'))).toBe('0000-01-01');
    expect(dayOfNumber(dayNumber('9999-12-31'))).toBe('9999-12-31');
    expect(() => dayOfNumber(dayNumber('9999-12-31') + 1)).toThrow(RangeError);
  });

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-1-01', '2024-01-01T00:00', 'abcd-ef-gh', ''])('refuses %j', (bad) => {
    expect(tryDayNumber(bad)).toBeUndefined();
    expect(() => addDays(bad, 1)).toThrow(RangeError);
  });
});
