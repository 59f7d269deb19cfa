import { parseCalendarDate } from './calendar-date';
import { VIETNAM_HOLIDAY_YEARS, VIETNAM_PUBLIC_HOLIDAYS } from './public-holidays';

describe('the Vietnamese public-holiday table', () => {
  const days = VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.day);

  it('lists real weekdays only, in order, each once', () => {
    for (const day of days) expect(parseCalendarDate(day)?.weekday).toBeLessThanOrEqual(5);
    expect([...days].sort()).toEqual(days);
    expect(new Set(days).size).toBe(days.length);
  });

  it.each(VIETNAM_HOLIDAY_YEARS)('lists every statutory holiday of %i', (year) => {
    const ofYear = VIETNAM_PUBLIC_HOLIDAYS.filter((h) => h.day.startsWith(`${year}-`));
    // 11 statutory days; some fall on weekends, compensatory days and swaps bring it back to 10–12 weekdays.
    expect(ofYear.length).toBeGreaterThanOrEqual(10);
    expect(ofYear.length).toBeLessThanOrEqual(12);
    expect(ofYear.filter((h) => h.holiday === 'tet')).toHaveLength(5);
    for (const kind of ['new-year', 'hung-kings', 'reunification', 'labour-day', 'national-day'] as const) {
      expect(ofYear.some((h) => h.holiday === kind)).toBe(true);
    }
  });

  it.each([
    ['2024-02-08', 'tet'],
    ['2024-02-14', 'tet'],
    ['2024-04-18', 'hung-kings'],
    ['2025-04-07', 'hung-kings'],
    ['2023-05-02', 'hung-kings'],
    ['2026-04-27', 'hung-kings'],
    ['2024-09-03', 'national-day'],
    ['2025-09-01', 'national-day'],
  ])('has %s as a %s day off', (day, holiday) => {
    expect(VIETNAM_PUBLIC_HOLIDAYS.find((h) => h.day === day)?.holiday).toBe(holiday);
  });
});
