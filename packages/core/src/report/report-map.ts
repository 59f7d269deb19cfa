import type { DayRange } from '../projection/daily-counts-store';
import type { AgencyRegistry } from '../registry/agency-registry';
import type { AgencyRecord } from '../registry/agency-registry-file';
import { addDays } from '../time/day-number';

/**
 * Which agencies a report counts its figures under: `each-day` (the default) under the agency in force
 * on the day each figure is about, or a day's: everything under that day's agencies, through the
 * successor chain, so that two years can be compared on one map.
 */
export type ReportMap = 'each-day' | { readonly day: string };

export const EACH_DAY: ReportMap = 'each-day';

/** The map as the report's JSON names it: 'each-day' or the day. */
export const mapName = (map: ReportMap): string => (map === 'each-day' ? map : map.day);

/** The days in (from, to] on which an agency begins, or the day after one ends: inside a piece between them the map is the same every day. */
export function mapChangeDays(registry: AgencyRegistry, { from, to }: DayRange): string[] {
  const days = new Set<string>();
  for (const a of registry.toJSON().agencies) {
    if (a.validFrom > from && a.validFrom <= to) days.add(a.validFrom);
    if (a.validTo !== null && a.validTo >= from && a.validTo < to) days.add(addDays(a.validTo, 1));
  }
  return [...days].sort();
}

/** The period cut before each of `days` (sorted, each in (from, to]): consecutive ranges that cover it exactly. */
export function splitPeriod(period: DayRange, days: readonly string[]): DayRange[] {
  const pieces: DayRange[] = [];
  let from = period.from;
  for (const day of days) {
    pieces.push({ from, to: addDays(day, -1) });
    from = day;
  }
  pieces.push({ from, to: period.to });
  return pieces;
}

/**
 * The agency a figure of `code` about `day` counts under by `map`: the one in force that day (or on
 * the map's day), following successors. An agency that ended with no successor keeps its own record
 * by the map of each day (its figures stay its own); on a day's map it has no place.
 */
export function placeOnMap(registry: AgencyRegistry, map: ReportMap, code: string, day: string): AgencyRecord | undefined {
  if (map !== 'each-day') return registry.resolve(code, map.day);
  return registry.resolve(code, day) ?? registry.agencies(undefined).find((a) => a.code === code && a.validFrom <= day);
}
