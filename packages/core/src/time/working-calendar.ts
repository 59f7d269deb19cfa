import { dayNumber, tryDayNumber } from './day-number';
import { VIETNAM_PUBLIC_HOLIDAYS } from './public-holidays';

/** Which local days count for due dates. A port, so a province's own days off can be plugged in. */
export interface WorkingCalendar {
  /** Whether `day` (YYYY-MM-DD) is a working day. Throws RangeError on a malformed date. */
  isWorkingDay(day: string): boolean;
}

/**
 * Mon–Fri minus the national public holidays and `extraHolidays` (a province's own days off,
 * YYYY-MM-DD). Weekends are never working days, even a make-up Saturday: see public-holidays.ts.
 */
export function workingCalendar(extraHolidays: readonly string[] = []): WorkingCalendar {
  const bad = extraHolidays.find((day) => tryDayNumber(day) === undefined);
  if (bad !== undefined) throw new RangeError(`extra holiday is not a calendar date (YYYY-MM-DD): ${JSON.stringify(bad)}`);
  const daysOff = new Set([...VIETNAM_PUBLIC_HOLIDAYS.map((h) => h.day), ...extraHolidays]);
  return {
    // Day 0 (1970-01-01) was a Thursday: (n + 3) mod 7 is 0 on Mondays, 5 and 6 at weekends.
    isWorkingDay: (day) => (((dayNumber(day) + 3) % 7) + 7) % 7 < 5 && !daysOff.has(day),
  };
}

/** The national calendar: weekends and the official public-holiday days off. */
export const VIETNAM_WORKING_CALENDAR: WorkingCalendar = workingCalendar();
