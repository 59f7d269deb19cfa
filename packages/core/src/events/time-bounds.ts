import type { FieldProblem } from './field-problem';

/** How far an event's times may stray from the moment it is ingested before they are taken for a sender's mistake. */
export interface TimeBounds {
  /** No instant or date may fall before this day (YYYY-MM-DD). */
  readonly notBefore: string;
  /** No instant may fall more than this after the moment of ingest (clocks differ; nothing happens in the future). */
  readonly maxAheadMs: number;
  /** No date (a due date, a promised date) may fall more than this many days after the moment of ingest. */
  readonly maxDateAheadDays: number;
}

/**
 * The defaults: nothing before 2000, no instant more than a day ahead, no date more than five years
 * ahead. A replay of an old feed still passes: its times are in the past, after the floor.
 */
export const DEFAULT_TIME_BOUNDS: TimeBounds = { notBefore: '2000-01-01', maxAheadMs: 86_400_000, maxDateAheadDays: 1827 };

const INSTANT = /^\d{4}-\d{2}-\d{2}T/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * Every instant of an event (its envelope `time` and each business time in `data`) and every date
 * in `data`, checked against the bounds around `now` (ms since the epoch). Pure: the clock is given.
 */
export function timeBoundProblems(
  event: { readonly time: string; readonly data: unknown },
  now: number,
  bounds: TimeBounds = DEFAULT_TIME_BOUNDS,
): FieldProblem[] {
  return timeBoundsChecker(now, bounds)(event);
}

/**
 * `timeBoundProblems` for many events checked at one moment (a batch): the limits are worked out
 * once, not per event.
 */
export function timeBoundsChecker(
  now: number,
  bounds: TimeBounds = DEFAULT_TIME_BOUNDS,
): (event: { readonly time: string; readonly data: unknown }) => FieldProblem[] {
  const floor = Date.parse(`${bounds.notBefore}T00:00:00+07:00`);
  const latestInstant = now + bounds.maxAheadMs;
  const latestDate = new Date(now + bounds.maxDateAheadDays * DAY_MS).toISOString().slice(0, 10);
  const check = (problems: FieldProblem[], field: string, value: unknown) => {
    if (typeof value !== 'string') return;
    if (INSTANT.test(value)) {
      const at = Date.parse(value);
      if (at < floor) problems.push({ field, rule: `must not be before ${bounds.notBefore}` });
      else if (at > latestInstant)
        problems.push({
          field,
          rule: `must not be later than ${new Date(latestInstant).toISOString()} (the moment of ingest and ${bounds.maxAheadMs / 3_600_000} h)`,
        });
    } else if (DATE.test(value)) {
      if (value < bounds.notBefore) problems.push({ field, rule: `must not be before ${bounds.notBefore}` });
      else if (value > latestDate)
        problems.push({ field, rule: `must not be later than ${latestDate} (the day of ingest and ${bounds.maxDateAheadDays} days)` });
    }
  };
  return (event) => {
    const problems: FieldProblem[] = [];
    check(problems, 'time', event.time);
    if (typeof event.data === 'object' && event.data !== null) {
      const data = event.data as Record<string, unknown>;
      for (const key in data) if (Object.prototype.hasOwnProperty.call(data, key)) check(problems, `data.${key}`, data[key]);
    }
    return problems;
  };
}
