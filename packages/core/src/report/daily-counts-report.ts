import type { AgencyMetricTotal, DayRange } from '../projection/projection-store';
import type { Metric } from '../projection/metrics';
import { percentHalfUp } from './percent';

export interface CountsRow {
  readonly received: number;
  readonly receivedOnline: number;
  readonly resolved: number;
  readonly resolvedEarly: number;
  /** Early plus on time, as the Ministry's form counts it. */
  readonly resolvedOnTime: number;
  readonly resolvedLate: number;
  readonly onTimeRate: number | null;
  readonly withdrawn: number;
  readonly handedBack: number;
  readonly processingStopped: number;
  /** Online submissions refused at reception: never received, so in none of the other counts. */
  readonly refusedAtReception: number;
  readonly supplementRequested: number;
  readonly apologyIssued: number;
  readonly resultReturned: number;
  readonly fullProcessOnline: { readonly resolved: number; readonly resolvedOnline: number; readonly rate: number | null };
  readonly onlinePayments: { readonly count: number; readonly amount: number };
}

export interface DailyCountsReport {
  readonly period: DayRange;
  readonly asOf: { readonly position: string | null };
  readonly agencies: readonly ({ readonly agencyCode: string } & CountsRow)[];
  readonly total: CountsRow;
}

function row(get: (metric: Metric) => number): CountsRow {
  const early = get('resolved.early');
  const onTime = early + get('resolved.on-time');
  const late = get('resolved.late');
  const resolved = onTime + late;
  const fpResolved = get('resolved.full-process');
  const fpOnline = get('resolved.full-process.online');
  return {
    received: get('received'),
    receivedOnline: get('received.online'),
    resolved,
    resolvedEarly: early,
    resolvedOnTime: onTime,
    resolvedLate: late,
    onTimeRate: percentHalfUp(onTime, resolved),
    withdrawn: get('withdrawn'),
    handedBack: get('handed-back'),
    processingStopped: get('processing-stopped'),
    refusedAtReception: get('refused-at-reception'),
    supplementRequested: get('supplement-requested'),
    apologyIssued: get('apology-issued'),
    resultReturned: get('result-returned'),
    fullProcessOnline: { resolved: fpResolved, resolvedOnline: fpOnline, rate: percentHalfUp(fpOnline, fpResolved) },
    onlinePayments: { count: get('paid-online.count'), amount: get('paid-online.amount') },
  };
}

/** Builds the report from view totals only; `asOf` is the log position the view reflects. */
export function buildDailyCountsReport(
  period: DayRange,
  totals: readonly AgencyMetricTotal[],
  asOfPosition: string | null,
): DailyCountsReport {
  const byAgency = new Map<string, Map<Metric, number>>();
  const all = new Map<Metric, number>();
  for (const t of totals) {
    const metrics = byAgency.get(t.agencyCode) ?? new Map<Metric, number>();
    metrics.set(t.metric, (metrics.get(t.metric) ?? 0) + t.value);
    byAgency.set(t.agencyCode, metrics);
    all.set(t.metric, (all.get(t.metric) ?? 0) + t.value);
  }
  const agencies = [...byAgency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([agencyCode, metrics]) => ({ agencyCode, ...row((m) => metrics.get(m) ?? 0) }));
  return { period, asOf: { position: asOfPosition }, agencies, total: row((m) => all.get(m) ?? 0) };
}
