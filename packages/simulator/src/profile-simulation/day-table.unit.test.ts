import { addWorkingDays, workingDaysBetween } from '@tthc/core';
import { DayTable, dayNumber, dayString } from './day-table';

describe('the simulator day table', () => {
  const table = new DayTable(dayNumber('2023-10-01'), dayNumber('2024-12-31'));

  it('adds and counts working days as addWorkingDays and workingDaysBetween do (Tết 2024 included)', () => {
    for (let day = dayNumber('2023-12-20'); day <= dayNumber('2024-07-10'); day += 3) {
      for (const n of [0, 1, 2, 5, 15, 40])
        expect([dayString(day), n, dayString(table.addWorkingDays(day, n))]).toEqual([dayString(day), n, addWorkingDays(dayString(day), n)]);
      const later = day + 17;
      expect(table.workingDaysBetween(day, later)).toBe(workingDaysBetween(dayString(day), dayString(later)));
    }
  });

  it('finds the n-th working day before a day, from which n working days reach it', () => {
    const day = dayNumber('2024-02-16');
    for (const n of [1, 3, 10]) {
      const before = table.nthWorkingDayBefore(day, n);
      expect(table.addWorkingDays(before, n)).toBeGreaterThanOrEqual(day);
      expect(table.addWorkingDays(before - 1, n)).toBeLessThan(day);
    }
    expect(() => table.addWorkingDays(dayNumber('2024-12-20'), 30)).toThrow(RangeError);
  });
});
