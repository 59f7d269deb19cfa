import { localDay } from './local-day';

export type Timeliness = 'early' | 'on-time' | 'late';

/**
 * Early / on time / late: the local calendar date on which processing finished, against the due
 * date (YYYY-MM-DD). ISO dates compare correctly as strings.
 */
export function timeliness(finishedAt: string, dueDate: string): Timeliness {
  const finishedDay = localDay(finishedAt);
  if (finishedDay < dueDate) return 'early';
  if (finishedDay === dueDate) return 'on-time';
  return 'late';
}
