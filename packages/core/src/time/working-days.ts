import { dayNumber, dayOfNumber } from './day-number';
import { VIETNAM_WORKING_CALENDAR, type WorkingCalendar } from './working-calendar';

// A calendar with no working day for a whole year is misconfigured; stop rather than loop forever.
const MAX_DAYS_OFF_IN_A_ROW = 366;

/**
 * The date `n` working days after `day` (YYYY-MM-DD): how the one-stop shop sets a due date.
 * Non-working days (weekends, public holidays of `calendar`) are skipped, so the result is always
 * a working day when n > 0; n = 0 returns `day` itself.
 */
export function addWorkingDays(day: string, n: number, calendar: WorkingCalendar = VIETNAM_WORKING_CALENDAR): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0, got ${n}`);
  let dn = dayNumber(day);
  let left = n;
  let daysOffInARow = 0;
  while (left > 0) {
    dn += 1;
    if (calendar.isWorkingDay(dayOfNumber(dn))) {
      left -= 1;
      daysOffInARow = 0;
    } else if (++daysOffInARow > MAX_DAYS_OFF_IN_A_ROW) {
      throw new RangeError(`the working calendar has no working day within a year after ${day}`);
    }
  }
  return dayOfNumber(dn);
}

/**
 * Working days after `from` up to and including `to` (so addWorkingDays(from, k) = to gives k when
 * `to` is a working day). Negative, counted the same way from `to`, when `to` is earlier.
 */
export function workingDaysBetween(from: string, to: string, calendar: WorkingCalendar = VIETNAM_WORKING_CALENDAR): number {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (end < start) return -workingDaysBetween(to, from, calendar);
  let count = 0;
  for (let dn = start + 1; dn <= end; dn += 1) {
    if (calendar.isWorkingDay(dayOfNumber(dn))) count += 1;
  }
  return count;
}

// Calendar-day arithmetic lives in day-number; re-exported for the callers that import it from here.
export { addDays, daysBetween } from './day-number';
