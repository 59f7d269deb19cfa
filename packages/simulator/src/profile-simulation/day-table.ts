import { VIETNAM_WORKING_CALENDAR, type WorkingCalendar } from '@tthc/core';
import type { SeededRandom } from '../random';

const DAY_MS = 86_400_000;

/** A calendar date YYYY-MM-DD as a day number (days since 1970-01-01). */
export const dayNumber = (day: string): number => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);

/** A day number as YYYY-MM-DD. */
export const dayString = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * Working-day arithmetic on day numbers over a fixed span, from a table built once: the simulator
 * sets hundreds of thousands of due dates, and `addWorkingDays` (luxon, a day at a time) would
 * dominate its run time. Same results as `addWorkingDays` / `workingDaysBetween` for the calendar.
 */
export class DayTable {
  readonly first: number;
  readonly last: number;
  readonly #working: Uint8Array;
  /** Working days in [first, day], at index day - first. */
  readonly #prefix: Int32Array;
  /** The working days of the span, in order. */
  readonly #workingDays: Int32Array;
  readonly #strings: string[];

  constructor(first: number, last: number, calendar: WorkingCalendar = VIETNAM_WORKING_CALENDAR) {
    if (!(last >= first)) throw new RangeError(`DayTable: empty span ${first}..${last}`);
    this.first = first;
    this.last = last;
    const size = last - first + 1;
    this.#working = new Uint8Array(size);
    this.#prefix = new Int32Array(size);
    this.#strings = new Array<string>(size);
    const list: number[] = [];
    let count = 0;
    for (let i = 0; i < size; i += 1) {
      const s = dayString(first + i);
      this.#strings[i] = s;
      if (calendar.isWorkingDay(s)) {
        this.#working[i] = 1;
        count += 1;
        list.push(first + i);
      }
      this.#prefix[i] = count;
    }
    this.#workingDays = Int32Array.from(list);
  }

  #index(day: number): number {
    const i = day - this.first;
    if (!(i >= 0 && day <= this.last)) throw new RangeError(`day ${day} (${dayString(day)}) is outside the simulation's calendar`);
    return i;
  }

  iso(day: number): string {
    return this.#strings[this.#index(day)] ?? dayString(day);
  }

  isWorking(day: number): boolean {
    return this.#working[this.#index(day)] === 1;
  }

  /** Working days in (from, to]; 0 when to <= from. */
  workingDaysBetween(from: number, to: number): number {
    if (to <= from) return 0;
    return (this.#prefix[this.#index(to)] ?? 0) - (this.#prefix[this.#index(from)] ?? 0);
  }

  /** `day` plus `n` working days, as `addWorkingDays` does: n = 0 is `day` itself. */
  addWorkingDays(day: number, n: number): number {
    if (n <= 0) return day;
    const k = (this.#prefix[this.#index(day)] ?? 0) + n - 1;
    const result = this.#workingDays[k];
    if (result === undefined) throw new RangeError(`${n} working days after ${dayString(day)} is outside the simulation's calendar`);
    return result;
  }

  /** The n-th working day strictly before `day` (n >= 1): any d >= it has addWorkingDays(d, n) >= day. */
  nthWorkingDayBefore(day: number, n: number): number {
    const k = (this.#prefix[this.#index(day - 1)] ?? 0) - n;
    const result = this.#workingDays[k];
    if (result === undefined) throw new RangeError(`${n} working days before ${dayString(day)} is outside the simulation's calendar`);
    return result;
  }

  /** A working day in [a, b], uniformly; a calendar day when the range has none. */
  pickWorkingDay(rng: SeededRandom, a: number, b: number): number {
    const before = a > this.first ? (this.#prefix[this.#index(a - 1)] ?? 0) : 0;
    const count = (this.#prefix[this.#index(b)] ?? 0) - before;
    if (count <= 0) return rng.int(a, b);
    return this.#workingDays[before + rng.int(0, count - 1)] ?? a;
  }

  /** `day` moved to the next working day, if there is one no later than `limit`. */
  nextWorkingDay(day: number, limit: number): number {
    for (let d = day; d <= limit; d += 1) if (this.isWorking(d)) return d;
    return day;
  }

  /** `day` moved to the previous working day, if there is one no earlier than `limit`. */
  previousWorkingDay(day: number, limit: number): number {
    for (let d = day; d >= limit; d -= 1) if (this.isWorking(d)) return d;
    return day;
  }
}
