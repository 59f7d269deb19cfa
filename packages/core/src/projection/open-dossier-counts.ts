import type { DossierState } from '../lifecycle/dossier-state';
import { addDays } from '../time/day-number';
import type { AgencyOpenDossiers, DayRange } from './projection-store';
import { OPEN_METRICS, type CountIncrement, type CountSink, type OpenMetric } from './metrics';

/*
 * OPEN_METRICS are counters from which the dossiers open at any period's edges follow by sums over days, so a report
 * reads a few rows per agency and day instead of every dossier's state. Each dossier (unless refused
 * at reception) counts once under its agency in each counter that applies, on the day given:
 * - `open.received`: the day it was received (r);
 * - `open.closed`: max(r, the day it closed) — it is not open on or after that day;
 * - `open.due`: max(r, the day after its due date) — from that day it is overdue while open;
 * - `open.closed-due`: max(the `open.due` day, the day it closed), when it has both.
 *
 * Then, with S(m, d) the sum of counter m over the days before d (or up to d), the dossiers that
 * `carriedOverInto` and `inProgressAtEndOf` (below, the definition) count are:
 * carried over = S(received, < from) − S(closed, < from); open at the end = S(received, ≤ to) −
 * S(closed, ≤ to); overdue = S(due, ≤ to) − S(closed-due, ≤ to); not due = open − overdue.
 * The max() with r makes each identity exact for any states, without assuming a dossier closes or
 * falls due after it is received.
 */

const later = (a: string, b: string): string => (a < b ? b : a);

/** What a dossier's place at a range's edges depends on; a dossier refused at reception was never received and is in none. */
export type OpenEdges = Pick<DossierState, 'receivedDay' | 'closedDay' | 'dueDate'>;

/** Carried over into `range` (từ kỳ trước chuyển qua): received before its first day and not closed before it. */
export const carriedOverInto = (d: OpenEdges, { from }: DayRange): boolean => d.receivedDay < from && (d.closedDay === null || d.closedDay >= from);

/** In progress at the end of `range` (received by its last day, not closed by it): overdue when due before that day, else not due. */
export function inProgressAtEndOf(d: OpenEdges, { to }: DayRange): 'notDue' | 'overdue' | null {
  if (d.receivedDay > to || (d.closedDay !== null && d.closedDay <= to)) return null;
  return d.dueDate !== null && d.dueDate < to ? 'overdue' : 'notDue';
}

type Counted = Pick<DossierState, 'status' | 'agencyCode' | 'receivedDay' | 'closedDay' | 'dueDate' | 'handovers'>;

/**
 * Hands the counters one dossier state holds to `add`, each with `value` (+1 to count them in, -1 out).
 * A dossier taken over by a successor is open under each agency in turn: under the first from its
 * receipt, under each successor from the day it took over; to the one it leaves, the hand-over is a
 * close (with `transferred.out`), to the one it joins a receipt (with `transferred.in`), so each
 * agency's carried over + received + transferred in = closed + open + transferred out. A hand-over of
 * a dossier already closed moves no open dossier.
 */
function addOpenCounts(state: Counted | undefined, value: number, add: CountSink): void {
  if (!state || state.status === 'refused-at-reception') return;
  const { agencyCode, receivedDay, closedDay, dueDate, handovers = [] } = state;
  let agency = agencyCode;
  let from = receivedDay;
  for (const next of handovers) {
    if (next.afterClose) break;
    addOpenSpan(agency, from, next.day, dueDate, value, add);
    add(agency, next.day, 'transferred.out', value);
    add(next.agencyCode, next.day, 'transferred.in', value);
    agency = next.agencyCode;
    from = next.day;
  }
  addOpenSpan(agency, from, closedDay, dueDate, value, add);
}

/** The counters of a dossier open under `agency` from day `from` until `until` (it is not open on that day), or still open. */
function addOpenSpan(agency: string, from: string, until: string | null, dueDate: string | null, value: number, add: CountSink): void {
  add(agency, from, 'open.received', value);
  if (until !== null) add(agency, later(from, until), 'open.closed', value);
  if (dueDate !== null) {
    const overdueFrom = later(from, addDays(dueDate, 1));
    add(agency, overdueFrom, 'open.due', value);
    if (until !== null) add(agency, later(overdueFrom, until), 'open.closed-due', value);
  }
}

/** The counters one dossier state holds, as +1 increments. */
export function openCountsOf(state: Counted | undefined): CountIncrement[] {
  const counts: CountIncrement[] = [];
  addOpenCounts(state, 1, (agencyCode, day, metric, value) => counts.push({ agencyCode, day, metric, value }));
  return counts;
}

const sameCounts = (a: Counted | undefined, b: Counted): boolean =>
  a !== undefined &&
  (a.status === 'refused-at-reception') === (b.status === 'refused-at-reception') &&
  a.agencyCode === b.agencyCode &&
  a.receivedDay === b.receivedDay &&
  a.closedDay === b.closedDay &&
  a.dueDate === b.dueDate &&
  a.handovers === b.handovers;

/** Hands `add` what a dossier's move from `before` to `after` changes in the counters: the old ones out, the new ones in. */
export function addOpenCountChanges(before: Counted | undefined, after: Counted, add: CountSink): void {
  // Most events (payments, results returned, apologies) touch none of the fields the counters use.
  if (sameCounts(before, after)) return;
  addOpenCounts(before, -1, add);
  addOpenCounts(after, 1, add);
}

/** What a dossier's move from `before` to `after` changes in the counters, as increments. */
export function openCountChanges(before: Counted | undefined, after: Counted): CountIncrement[] {
  const counts: CountIncrement[] = [];
  addOpenCountChanges(before, after, (agencyCode, day, metric, value) => counts.push({ agencyCode, day, metric, value }));
  return counts;
}

/** One agency's sums of one counter: over the days before the range, through its last day, and over every day. */
export interface OpenCounterSums {
  readonly agencyCode: string;
  readonly metric: OpenMetric;
  readonly beforeFrom: number;
  readonly throughTo: number;
  readonly allDays: number;
}

/**
 * The open dossiers of each agency that has any dossier (not refused at reception) in the view, from
 * its counters' sums (see OPEN_METRICS). Stores sum; this does the arithmetic, once for all of them.
 */
export function openDossiersFromSums(sums: Iterable<OpenCounterSums>): AgencyOpenDossiers[] {
  const byAgency = new Map<string, Record<OpenMetric, OpenCounterSums | undefined>>();
  for (const s of sums) {
    const row = byAgency.get(s.agencyCode) ?? { 'open.received': undefined, 'open.closed': undefined, 'open.due': undefined, 'open.closed-due': undefined };
    row[s.metric] = s;
    byAgency.set(s.agencyCode, row);
  }
  const result: AgencyOpenDossiers[] = [];
  for (const [agencyCode, row] of [...byAgency].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if ((row['open.received']?.allDays ?? 0) === 0) continue;
    const before = (m: OpenMetric) => row[m]?.beforeFrom ?? 0;
    const through = (m: OpenMetric) => row[m]?.throughTo ?? 0;
    const openAtEnd = through('open.received') - through('open.closed');
    const overdue = through('open.due') - through('open.closed-due');
    result.push({ agencyCode, carriedOver: before('open.received') - before('open.closed'), notDue: openAtEnd - overdue, overdue });
  }
  return result;
}

/** Sums of the counters over `range`'s edges, from per-day rows: the in-memory form of what stores do in SQL. */
export function sumOpenCounters(rows: Iterable<CountIncrement>, { from, to }: DayRange): OpenCounterSums[] {
  const sums = new Map<string, { agencyCode: string; metric: OpenMetric; beforeFrom: number; throughTo: number; allDays: number }>();
  for (const r of rows) {
    if (!isOpenMetric(r.metric)) continue;
    const key = `${r.agencyCode}|${r.metric}`;
    const s = sums.get(key) ?? { agencyCode: r.agencyCode, metric: r.metric, beforeFrom: 0, throughTo: 0, allDays: 0 };
    if (r.day < from) s.beforeFrom += r.value;
    if (r.day <= to) s.throughTo += r.value;
    s.allDays += r.value;
    sums.set(key, s);
  }
  return [...sums.values()];
}

const OPEN_METRIC_SET: ReadonlySet<string> = new Set(OPEN_METRICS);
export const isOpenMetric = (metric: string): metric is OpenMetric => OPEN_METRIC_SET.has(metric);
