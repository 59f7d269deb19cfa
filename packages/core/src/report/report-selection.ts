import type { DayRange } from '../projection/daily-counts-store';
import { parsePeriod, type PeriodCutoff } from '../time/periods';
import { EACH_DAY, type ReportMap } from './report-map';

/** What a report is asked for, as the CLI's options and the API's query parameters give it (each already a valid period or date). */
export interface ReportSelectionInput {
  readonly period?: string | undefined;
  readonly cutoff: PeriodCutoff;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** A day whose map to count on; the map of each day when absent. */
  readonly map?: string | undefined;
}

export interface SelectionProblem {
  readonly field: 'period' | 'from' | 'to' | 'cutoff';
  readonly message: string;
}

/**
 * The rules a report's period obeys, wherever it is asked for: a named period or both from and to,
 * from not after to, and no cut-off with from/to (an option that would change nothing is refused
 * rather than ignored). `name` spells a field as its edge does (`--period`, or `period`).
 */
export function reportSelectionProblems(o: ReportSelectionInput, name: (field: SelectionProblem['field']) => string): SelectionProblem[] {
  if ((o.period === undefined) === (o.from === undefined && o.to === undefined))
    return [{ field: 'period', message: `give either ${name('period')} (2024-H1, 2024-Q2, 2024-03, 2024) or both ${name('from')} and ${name('to')}` }];
  if (o.period === undefined && (o.from === undefined || o.to === undefined))
    return [{ field: 'from', message: `give both ${name('from')} and ${name('to')}` }];
  const problems: SelectionProblem[] = [];
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) problems.push({ field: 'to', message: `must not be before ${name('from')}` });
  if (o.period === undefined && o.cutoff !== 'calendar')
    problems.push({
      field: 'cutoff',
      message: `applies to ${name('period')} only: ${name('from')} and ${name('to')} are the days counted, whatever the cutoff`,
    });
  return problems;
}

/** The days and the map of a selection that has no problems. */
export function reportSelection(o: ReportSelectionInput): { readonly range: DayRange; readonly reportMap: ReportMap } {
  return {
    range: o.period !== undefined ? parsePeriod(o.period, o.cutoff) : { from: o.from ?? '', to: o.to ?? '' },
    reportMap: o.map === undefined ? EACH_DAY : { day: o.map },
  };
}
