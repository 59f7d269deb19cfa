import { DateTime } from 'luxon';

const isWeekend = (dt: DateTime): boolean => dt.weekday >= 6;

/** The date `n` working days (Mon–Fri) after `day` (YYYY-MM-DD). Public holidays come with the calendar rules. */
export function addWorkingDays(day: string, n: number): string {
  let dt = DateTime.fromISO(day, { zone: 'utc' });
  if (!dt.isValid) throw new RangeError(`not a date: ${day}`);
  let left = n;
  while (left > 0) {
    dt = dt.plus({ days: 1 });
    if (!isWeekend(dt)) left -= 1;
  }
  return dt.toISODate();
}

/** `day` plus `n` calendar days (n may be negative). */
export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: n }).toISODate() as string;
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);
}
