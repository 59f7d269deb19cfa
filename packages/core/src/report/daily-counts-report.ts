import type { AgencyMetricTotal, AgencyOpenDossiers, DayRange } from '../projection/daily-counts-store';
import type { Metric } from '../projection/metrics';
import { percentHalfUp } from './percent';
import type { AgencyRegistry } from '../registry/agency-registry';
import { AGENCY_LEVELS, type AgencyLevel, type AgencyRecord } from '../registry/agency-registry-file';
import { addDays } from '../time/day-number';
import { EACH_DAY, mapName, placeOnMap, type ReportMap } from './report-map';

export interface CountsRow {
  readonly received: number;
  readonly receivedOnline: number;
  readonly receivedInPerson: number;
  /** Through the public postal service. */
  readonly receivedPostal: number;
  readonly resolved: number;
  readonly resolvedEarly: number;
  /**
   * Early plus on time, as `onTimeRate` and design.md count "resolved on time" (the report's "trước
   * và đúng hạn").
   */
  readonly resolvedOnTime: number;
  /** On the due day itself, early ones not included: the form's "đúng hạn" column. */
  readonly resolvedOnDueDay: number;
  readonly resolvedLate: number;
  readonly onTimeRate: number | null;
  /** Received before the period and still open when it began (từ kỳ trước chuyển qua). */
  readonly carriedOver: number;
  /** Open when the period ended: not yet due, or overdue. */
  readonly inProgressAtEnd: { readonly notDue: number; readonly overdue: number };
  readonly withdrawn: number;
  /** Ended without a result by the agency: handed back (trả lại), processing stopped included. */
  readonly handedBack: number;
  /** The processing-stopped part of `handedBack`. */
  readonly processingStopped: number;
  /** Online submissions refused at reception: never received, so in none of the other counts. */
  readonly refusedAtReception: number;
  readonly supplementRequested: number;
  readonly apologyIssued: number;
  readonly resultReturned: number;
  readonly fullProcessOnline: { readonly resolved: number; readonly resolvedOnline: number; readonly rate: number | null };
  readonly onlinePayments: { readonly count: number; readonly amount: number };
  /**
   * Open dossiers that came to this row from another inside the period (chuyển đến): when the map of
   * each day changed (an agency ended and its successor took its dossiers over, counted in a level's
   * row only when the level changed), or when an event named a successor that took a dossier over.
   * Always 0 in the total, where every move comes back in.
   */
  readonly transferredIn: number;
  /** Open dossiers that left this row for another inside the period (chuyển đi); as `transferredIn`. */
  readonly transferredOut: number;
}

/** A level of government's figures: how many agencies it had on the period's last day, and their sums. */
export type LevelRow = { readonly agencies: number } & CountsRow;

/** How much of the log the figures reflect. */
export interface ReportAsOf {
  /** The view's checkpoint in the log (commit/prepare, an identifier, not a count); null before anything was projected. */
  readonly position: string | null;
  /** How many events of the log, from its start, the view has read (counted or skipped); when known. */
  readonly eventsRead?: number;
  /** When the view last moved (ISO 8601); when known. */
  readonly updatedAt?: string;
  /** Events in the log after `position`, not in the figures; when the log was asked (0: the view is caught up). */
  readonly eventsBehind?: number;
}

export interface DailyCountsReport {
  readonly period: DayRange;
  /** The map the figures are counted on: 'each-day' (each figure under the agency in force on its day) or a day's. */
  readonly map: string;
  /** On a day's map: agencies with figures that have no place on it (none of their successors is in force that day); their figures are in the total only. */
  readonly unmapped?: readonly string[];
  /** By the map of each day: the days inside the period on which the map changed (the period was counted in pieces between them). */
  readonly mapChanges?: readonly string[];
  readonly asOf: ReportAsOf;
  /** Whether the view counted any event on a day of the period (open dossiers carried into it aside). */
  readonly periodHasEvents: boolean;
  /** Each agency's figures, under the agency the map places them (`name` and `level` its own), when the registry knows it. */
  readonly agencies: readonly ({ readonly agencyCode: string; readonly name?: string; readonly level: AgencyLevel | null } & CountsRow)[];
  /** By level, when the store has an agency registry: provincial departments, districts, communes; a level with no agency in the period and no figure has no row. */
  readonly levels: Readonly<Partial<Record<AgencyLevel, LevelRow>>>;
  readonly total: CountsRow;
}

interface Open {
  carriedOver: number;
  notDue: number;
  overdue: number;
}
interface Moves {
  in: number;
  out: number;
}
type Sums = Map<Metric, number>;

function row(get: (metric: Metric) => number, open: Open, moves: Moves | undefined): CountsRow {
  const early = get('resolved.early');
  const onTime = early + get('resolved.on-time');
  const late = get('resolved.late');
  const resolved = onTime + late;
  const fpResolved = get('resolved.full-process');
  const fpOnline = get('resolved.full-process.online');
  return {
    received: get('received'),
    receivedOnline: get('received.online'),
    receivedInPerson: get('received.in-person'),
    receivedPostal: get('received.postal'),
    resolved,
    resolvedEarly: early,
    resolvedOnTime: onTime,
    resolvedOnDueDay: onTime - early,
    resolvedLate: late,
    onTimeRate: percentHalfUp(onTime, resolved),
    carriedOver: open.carriedOver,
    inProgressAtEnd: { notDue: open.notDue, overdue: open.overdue },
    withdrawn: get('withdrawn'),
    handedBack: get('handed-back') + get('processing-stopped'),
    processingStopped: get('processing-stopped'),
    refusedAtReception: get('refused-at-reception'),
    supplementRequested: get('supplement-requested'),
    apologyIssued: get('apology-issued'),
    resultReturned: get('result-returned'),
    fullProcessOnline: { resolved: fpResolved, resolvedOnline: fpOnline, rate: percentHalfUp(fpOnline, fpResolved) },
    onlinePayments: { count: get('paid-online.count'), amount: get('paid-online.amount') },
    // A named successor's take-over comes as counts (transferred.in/out); a change of the map, as moves.
    transferredIn: moves ? get('transferred.in') + moves.in : 0,
    transferredOut: moves ? get('transferred.out') + moves.out : 0,
  };
}

/** The view's figures for each piece of the period, read in one snapshot (`DailyCountsStore.readReportSnapshots`). */
export interface ReportPiece {
  readonly range: DayRange;
  readonly totals: readonly AgencyMetricTotal[];
  readonly open: readonly AgencyOpenDossiers[];
}

/**
 * Builds the report from view totals only; `asOfPosition` is the log position the view reflects.
 * With a registry, each figure counts under the agency `map` places it (`placeOnMap`): by the map of
 * each day, under the one in force on its day (receipts on the receipt day, carried over on the
 * period's first day, in progress on its last), so `pieces` are the period cut at the days the map
 * changes (`mapChangeDays`), each placed on its first day; the dossiers open when the map changes
 * move from the old agency (and level) to the new one. On a day's map everything counts under that
 * day's agencies and nothing moves. Levels are summed from the agencies.
 */
export function buildMappedReport(
  period: DayRange,
  pieces: readonly ReportPiece[],
  asOfPosition: string | null,
  registry?: AgencyRegistry,
  map: ReportMap = EACH_DAY,
): DailyCountsReport {
  const placed = new Map<string, AgencyRecord | undefined>();
  const place = (code: string, day: string): AgencyRecord | undefined => {
    if (!registry) return undefined;
    const key = `${code}|${day}`;
    if (!placed.has(key)) placed.set(key, placeOnMap(registry, map, code, day));
    return placed.get(key);
  };
  const byAgency = new Map<string, { record: AgencyRecord | undefined; sums: Sums; open: Open; moves: Moves }>();
  const agencyRow = (code: string, day: string) => {
    const record = place(code, day);
    const key = record?.code ?? code;
    let entry = byAgency.get(key);
    if (!entry) {
      entry = { record, sums: new Map(), open: { carriedOver: 0, notDue: 0, overdue: 0 }, moves: { in: 0, out: 0 } };
      byAgency.set(key, entry);
    }
    return entry;
  };
  const add = (sums: Sums, metric: Metric, value: number) => sums.set(metric, (sums.get(metric) ?? 0) + value);
  const levelMoves = Object.fromEntries(AGENCY_LEVELS.map((l) => [l, { in: 0, out: 0 }])) as Record<AgencyLevel, Moves>;

  for (const piece of pieces) for (const t of piece.totals) add(agencyRow(t.agencyCode, piece.range.from).sums, t.metric, t.value);
  for (const o of pieces[0]?.open ?? []) agencyRow(o.agencyCode, period.from).open.carriedOver += o.carriedOver;
  for (const o of pieces[pieces.length - 1]?.open ?? []) {
    const entry = agencyRow(o.agencyCode, period.to);
    entry.open.notDue += o.notDue;
    entry.open.overdue += o.overdue;
  }
  if (map === 'each-day') {
    // The dossiers open when a piece begins were open when the previous one ended: where their agency changed, they moved.
    for (const piece of pieces.slice(1)) {
      const day = piece.range.from;
      const eve = addDays(day, -1);
      for (const o of piece.open) {
        if (o.carriedOver === 0) continue;
        const from = agencyRow(o.agencyCode, eve);
        const to = agencyRow(o.agencyCode, day);
        if (from === to) continue;
        from.moves.out += o.carriedOver;
        to.moves.in += o.carriedOver;
        const [a, b] = [from.record?.level, to.record?.level];
        if (a !== b) {
          if (a) levelMoves[a].out += o.carriedOver;
          if (b) levelMoves[b].in += o.carriedOver;
        }
      }
    }
  }

  const entries = [...byAgency.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const agencies = entries.map(([agencyCode, e]) => ({
    agencyCode,
    ...(e.record ? { name: e.record.name } : {}),
    level: e.record?.level ?? null,
    ...row((m) => e.sums.get(m) ?? 0, e.open, e.moves),
  }));
  const sumOf = (list: typeof entries) => {
    const sums: Sums = new Map();
    let open: Open = { carriedOver: 0, notDue: 0, overdue: 0 };
    for (const [, e] of list) {
      for (const [m, v] of e.sums) add(sums, m, v);
      open = { carriedOver: open.carriedOver + e.open.carriedOver, notDue: open.notDue + e.open.notDue, overdue: open.overdue + e.open.overdue };
    }
    return { get: (m: Metric) => sums.get(m) ?? 0, open };
  };
  const levels: Partial<Record<AgencyLevel, LevelRow>> = {};
  if (registry) {
    const inForce = agenciesInForce(registry, period, map);
    for (const level of AGENCY_LEVELS) {
      const { get, open } = sumOf(entries.filter(([, e]) => e.record?.level === level));
      const figures = row(get, open, levelMoves[level]);
      if (inForce[level] === 0 && !hasFigures(figures)) continue;
      levels[level] = { agencies: inForce[level], ...figures };
    }
  }
  const all = sumOf(entries);
  const unmapped = registry && map !== 'each-day' ? entries.filter(([, e]) => e.record === undefined).map(([code]) => code) : [];
  const periodHasEvents = pieces.some((p) => p.totals.some((t) => t.value !== 0));
  return {
    period,
    map: mapName(map),
    ...(unmapped.length > 0 ? { unmapped } : {}),
    ...(pieces.length > 1 ? { mapChanges: pieces.slice(1).map((p) => p.range.from) } : {}),
    asOf: { position: asOfPosition },
    periodHasEvents,
    agencies,
    levels,
    total: row(all.get, all.open, undefined),
  };
}

/** How many agencies of each level a report counts: in force on some day of the period by the map of each day, on the map's day otherwise. */
function agenciesInForce(registry: AgencyRegistry, period: DayRange, map: ReportMap): Record<AgencyLevel, number> {
  if (map !== 'each-day') return { ...registry.countByLevel(map.day) };
  const counts: Record<AgencyLevel, number> = { province: 0, district: 0, commune: 0 };
  const seen = new Set<string>();
  for (const a of registry.agencies()) {
    if (a.validFrom > period.to || (a.validTo !== null && a.validTo < period.from) || seen.has(a.code)) continue;
    seen.add(a.code);
    counts[a.level] += 1;
  }
  return counts;
}

const hasFigures = (r: CountsRow): boolean =>
  r.received + r.resolved + r.carriedOver + r.inProgressAtEnd.notDue + r.inProgressAtEnd.overdue + r.withdrawn + r.handedBack + r.refusedAtReception > 0 ||
  r.transferredIn + r.transferredOut + r.resultReturned + r.onlinePayments.count > 0;

/** The report of a period read as one piece (the map does not change inside it); see buildMappedReport. */
export function buildDailyCountsReport(
  period: DayRange,
  totals: readonly AgencyMetricTotal[],
  asOfPosition: string | null,
  registry?: AgencyRegistry,
  openDossiers: readonly AgencyOpenDossiers[] = [],
  map: ReportMap = EACH_DAY,
): DailyCountsReport {
  return buildMappedReport(period, [{ range: period, totals, open: openDossiers }], asOfPosition, registry, map);
}
