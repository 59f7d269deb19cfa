import { DateTime } from 'luxon';
import { z } from 'zod';
import type { DayRange } from '../projection/daily-counts-store';
import { TthcError } from '../errors';
import { parseCalendarDate } from './calendar-date';

/**
 * How a named period maps to days. 'calendar': the natural months. 'decree-09': the data cut-off
 * windows of Decree 09/2019/NĐ-CP, each month running from the 15th of the month before to the
 * 14th, so a period starting in January begins on 15 Dec of the previous year.
 */
export const periodCutoff = z.enum(['calendar', 'decree-09']).describe('Period cut-off: natural calendar or Decree 09/2019 (15th–14th)');
export type PeriodCutoff = z.infer<typeof periodCutoff>;

const PERIOD_FORMS = 'YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..YYYY-Q4 or YYYY-MM (e.g. 2024, 2024-H1, 2024-Q3, 2024-03)';
const PERIOD_SPEC = /^(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$/;

/** A refused period or date range; `code` lets an edge map it to a usage error. */
export class PeriodError extends TthcError {
  readonly code = 'INVALID_PERIOD';
}

/** The string form of a named period, for CLI and HTTP edges. */
export const periodSpec = z
  .string()
  .regex(PERIOD_SPEC, { message: `must be a period: ${PERIOD_FORMS}` })
  .describe(`Reporting period: ${PERIOD_FORMS}`);

/** Months first..last (1-12) of a named period in `year`. */
function months(spec: string): { year: number; first: number; last: number } {
  const match = PERIOD_SPEC.exec(spec);
  if (!match) throw new PeriodError(`invalid period ${JSON.stringify(spec)}: expected ${PERIOD_FORMS}`);
  const [, year, half, quarter, month] = match;
  const y = Number(year);
  if (half !== undefined) return { year: y, first: half === '1' ? 1 : 7, last: half === '1' ? 6 : 12 };
  if (quarter !== undefined) return { year: y, first: 3 * Number(quarter) - 2, last: 3 * Number(quarter) };
  if (month !== undefined) return { year: y, first: Number(month), last: Number(month) };
  return { year: y, first: 1, last: 12 };
}

/**
 * The inclusive local days of a named period. Under Decree 09 a period of months first..last
 * runs from the 15th of the month before `first` to the 14th of `last` (2024-H1 = 2023-12-15 ..
 * 2024-06-14); under the calendar from the 1st of `first` to the last day of `last`.
 */
export function parsePeriod(spec: string, cutoff: PeriodCutoff): DayRange {
  const { year, first, last } = months(spec);
  const firstMonth = DateTime.utc(year, first, 1);
  const lastMonth = DateTime.utc(year, last, 1);
  const [from, to] =
    cutoff === 'decree-09' ? [firstMonth.minus({ months: 1 }).set({ day: 15 }), lastMonth.set({ day: 14 })] : [firstMonth, lastMonth.endOf('month')];
  return { from: from.toISODate() as string, to: to.toISODate() as string };
}

/**
 * Any from/to pair (provinces use their own windows): both real YYYY-MM-DD dates, from <= to.
 * Throws PeriodError naming the offending bound.
 */
export function dayRange(from: string, to: string): DayRange {
  if (!parseCalendarDate(from)) throw new PeriodError(`invalid "from" date ${JSON.stringify(from)}: expected a calendar date YYYY-MM-DD`);
  if (!parseCalendarDate(to)) throw new PeriodError(`invalid "to" date ${JSON.stringify(to)}: expected a calendar date YYYY-MM-DD`);
  if (from > to) throw new PeriodError(`invalid date range: "from" ${from} is after "to" ${to}`);
  return { from, to };
}
