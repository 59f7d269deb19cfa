import { DateTime } from 'luxon';

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A YYYY-MM-DD local calendar date as a DateTime at UTC midnight, or undefined when the string is
 * not exactly that form or not a real date (2024-02-30). Day arithmetic runs in UTC so that no
 * offset or DST rule can move a date; the dates themselves are Vietnamese local days.
 */
export function parseCalendarDate(day: string): DateTime<true> | undefined {
  if (!CALENDAR_DATE.test(day)) return undefined;
  const dt = DateTime.fromISO(day, { zone: 'utc' });
  return dt.isValid ? dt : undefined;
}

/** As `parseCalendarDate`, but a bad date is a programming error at this point: throws RangeError. */
export function calendarDate(day: string): DateTime<true> {
  const dt = parseCalendarDate(day);
  if (!dt) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(day)}`);
  return dt;
}
