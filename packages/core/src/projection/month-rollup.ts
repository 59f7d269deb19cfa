import { addDays } from '../time/day-number';
import { mergeIncrements } from './dossier-counts';
import type { CountIncrement } from './metrics';
import type { DayRange } from './daily-counts-store';

/*
 * Stores keep, beside the per-day count rows, the same counts rolled up per month, so that a report
 * over months reads a row per agency, metric and month instead of one per day: a range's sums are
 * its whole months from the monthly rows plus its partial months at either edge from the daily ones.
 */

/** The first day of the day's month: the key of the day's row in the monthly rollup. */
export const monthOf = (day: string): string => `${day.slice(0, 7)}-01`;

/** The first day of the month after the day's (a month start plus 31 days always lands in the next month). */
const nextMonthOf = (day: string): string => monthOf(addDays(monthOf(day), 31));

/** The batch's increments rolled up to their months (`day` the month's first day), one per agency, month and metric. */
export function monthlyIncrements(increments: Iterable<CountIncrement>): CountIncrement[] {
  const byMonth: CountIncrement[] = [];
  for (const i of increments) byMonth.push({ ...i, day: monthOf(i.day) });
  return mergeIncrements(byMonth);
}

/** A day range as the monthly and daily rows cover it. */
export interface MonthSplit {
  /** The first days of the whole months inside the range, first to last; undefined when it holds none. */
  readonly months: DayRange | undefined;
  /** The range's days outside those months: none, one or two ranges at its edges, in order. */
  readonly days: readonly DayRange[];
}

/** Splits [from, to] into whole months (summed from monthly rows) and the days at its edges (summed from daily rows). */
export function splitByMonths({ from, to }: DayRange): MonthSplit {
  if (from > to) return { months: undefined, days: [] };
  const wholeFrom = monthOf(from) === from ? from : nextMonthOf(from);
  const afterTo = addDays(to, 1);
  // The first day after the last whole month: the day after `to` when `to` ends a month, else `to`'s month start.
  const wholeEnd = monthOf(afterTo) === afterTo ? afterTo : monthOf(to);
  if (wholeFrom >= wholeEnd) return { months: undefined, days: [{ from, to }] };
  const days: DayRange[] = [];
  if (from < wholeFrom) days.push({ from, to: addDays(wholeFrom, -1) });
  if (wholeEnd <= to) days.push({ from: wholeEnd, to });
  return { months: { from: wholeFrom, to: monthOf(addDays(wholeEnd, -1)) }, days };
}

/** Earlier than any day a store holds: the start of the "every day up to" ranges the open counters sum over. */
export const EARLIEST_DAY = '0001-01-01';

/**
 * The month splits of the open counters' two prefix sums for a range (sumOpenCounters): the days
 * before `from` and the days through `to`, each whole months from the earliest then at most one
 * partial month of days.
 */
export function splitOpenCounterSums({ from, to }: DayRange): { readonly beforeFrom: MonthSplit; readonly throughTo: MonthSplit } {
  return { beforeFrom: splitByMonths({ from: EARLIEST_DAY, to: addDays(from, -1) }), throughTo: splitByMonths({ from: EARLIEST_DAY, to }) };
}

/**
 * A range's month split as a store's SQL binds it: its whole months, then its first and second edge
 * ranges of days, null for a part it lacks (which no BETWEEN matches).
 */
export interface MonthSplitBounds {
  readonly monthsFrom: string | null;
  readonly monthsTo: string | null;
  readonly firstFrom: string | null;
  readonly firstTo: string | null;
  readonly secondFrom: string | null;
  readonly secondTo: string | null;
}

export function monthSplitBounds(range: DayRange): MonthSplitBounds {
  const { months, days } = splitByMonths(range);
  const [first, second] = days;
  return {
    monthsFrom: months?.from ?? null,
    monthsTo: months?.to ?? null,
    firstFrom: first?.from ?? null,
    firstTo: first?.to ?? null,
    secondFrom: second?.from ?? null,
    secondTo: second?.to ?? null,
  };
}

/**
 * The open counters' two prefix splits (splitOpenCounterSums) as a store's SQL binds them: the last
 * whole month of each, and its partial month of days, null for a part it lacks.
 */
export interface OpenSplitBounds {
  readonly beforeMonths: string | null;
  readonly throughMonths: string | null;
  readonly beforeFrom: string | null;
  readonly beforeTo: string | null;
  readonly throughFrom: string | null;
  readonly throughTo: string | null;
}

export function openSplitBounds(range: DayRange): OpenSplitBounds {
  const { beforeFrom, throughTo } = splitOpenCounterSums(range);
  return {
    beforeMonths: beforeFrom.months?.to ?? null,
    throughMonths: throughTo.months?.to ?? null,
    beforeFrom: beforeFrom.days[0]?.from ?? null,
    beforeTo: beforeFrom.days[0]?.to ?? null,
    throughFrom: throughTo.days[0]?.from ?? null,
    throughTo: throughTo.days[0]?.to ?? null,
  };
}
