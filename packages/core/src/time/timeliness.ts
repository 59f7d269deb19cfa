import { localDay } from './local-day';

export type Timeliness = 'early' | 'on-time' | 'late';

/**
 * Early / on time / late: the local calendar date on which processing finished, against the due
 * date (YYYY-MM-DD). ISO dates compare correctly as strings.
 */
export function timeliness(finishedAt: string, dueDate: string): Timeliness {
  return timelinessOfDay(localDay(finishedAt), dueDate);
}

/** As `timeliness`, for a finish already given as a local calendar date (the simulator plans in days). */
export function timelinessOfDay(finishedDay: string, dueDate: string): Timeliness {
  if (finishedDay < dueDate) return 'early';
  if (finishedDay === dueDate) return 'on-time';
  return 'late';
}
