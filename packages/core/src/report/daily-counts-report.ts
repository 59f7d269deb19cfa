import type { AgencyMetricTotal, AgencyOpenDossiers, DayRange } from '../projection/daily-counts-store';
import type { Metric } from '../projection/metrics';
import { percentHalfUp } from './percent';
import type { AgencyRegistry } from '../registry/agency-registry';
import { AGENCY_LEVELS, type AgencyLevel } from '../registry/agency-registry-file';

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
  readonly asOf: ReportAsOf;
  /** Whether the view counted any event on a day of the period (open dossiers carried into it aside). */
  readonly periodHasEvents: boolean;
  /** Each agency's figures; `name` and `level` from the registry on the period's last day, when it knows the agency. */
  readonly agencies: readonly ({ readonly agencyCode: string; readonly name?: string; readonly level: AgencyLevel | null } & CountsRow)[];
  /** By level, when the store has an agency registry: provincial departments, districts, communes. */
  readonly levels: Readonly<Partial<Record<AgencyLevel, LevelRow>>>;
  readonly total: CountsRow;
}

type Open = Omit<AgencyOpenDossiers, 'agencyCode'>;
const NO_OPEN: Open = { carriedOver: 0, notDue: 0, overdue: 0 };
const addOpen = (a: Open, b: Open): Open => ({ carriedOver: a.carriedOver + b.carriedOver, notDue: a.notDue + b.notDue, overdue: a.overdue + b.overdue });

function row(get: (metric: Metric) => number, open: Open): CountsRow {
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
  };
}

/**
 * Builds the report from view totals only; `asOf` is the log position the view reflects. With a
 * registry, each agency is placed at its level on the period's last day (a merged agency's history
 * counts under its successor), and levels are summed.
 */
export function buildDailyCountsReport(
  period: DayRange,
  totals: readonly AgencyMetricTotal[],
  asOfPosition: string | null,
  registry?: AgencyRegistry,
  openDossiers: readonly AgencyOpenDossiers[] = [],
): DailyCountsReport {
  const openByAgency = new Map<string, Open>(openDossiers.map(({ agencyCode, ...o }) => [agencyCode, o]));
  for (const code of openByAgency.keys())
    if (!totals.some((t) => t.agencyCode === code)) totals = [...totals, { agencyCode: code, metric: 'received', value: 0 }];
  const byAgency = new Map<string, Map<Metric, number>>();
  const byLevel = new Map<AgencyLevel, Map<Metric, number>>();
  const all = new Map<Metric, number>();
  const add = (map: Map<Metric, number>, metric: Metric, value: number) => map.set(metric, (map.get(metric) ?? 0) + value);
  const levelOf = (code: string): AgencyLevel | null => registry?.resolve(code, period.to)?.level ?? registry?.agencyOn(code, period.from)?.level ?? null;
  for (const t of totals) {
    const metrics = byAgency.get(t.agencyCode) ?? new Map<Metric, number>();
    add(metrics, t.metric, t.value);
    byAgency.set(t.agencyCode, metrics);
    add(all, t.metric, t.value);
    const level = levelOf(t.agencyCode);
    if (level) {
      const levelMetrics = byLevel.get(level) ?? new Map<Metric, number>();
      add(levelMetrics, t.metric, t.value);
      byLevel.set(level, levelMetrics);
    }
  }
  const agencies = [...byAgency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([agencyCode, metrics]) => {
      const name = (registry?.agencyOn(agencyCode, period.to) ?? registry?.agencyOn(agencyCode, period.from))?.name;
      return {
        agencyCode,
        ...(name !== undefined ? { name } : {}),
        level: levelOf(agencyCode),
        ...row((m) => metrics.get(m) ?? 0, openByAgency.get(agencyCode) ?? NO_OPEN),
      };
    });
  const openOf = (codes: readonly string[]) => codes.reduce((sum, c) => addOpen(sum, openByAgency.get(c) ?? NO_OPEN), NO_OPEN);
  const levels: Partial<Record<AgencyLevel, LevelRow>> = {};
  if (registry) {
    const counts = registry.countByLevel(period.to);
    for (const level of AGENCY_LEVELS) {
      const metrics = byLevel.get(level) ?? new Map<Metric, number>();
      const codes = agencies.filter((a) => a.level === level).map((a) => a.agencyCode);
      levels[level] = { agencies: counts[level], ...row((m) => metrics.get(m) ?? 0, openOf(codes)) };
    }
  }
  const periodHasEvents = totals.some((t) => t.value !== 0);
  return { period, asOf: { position: asOfPosition }, periodHasEvents, agencies, levels, total: row((m) => all.get(m) ?? 0, openOf([...openByAgency.keys()])) };
}
