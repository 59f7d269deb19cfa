import type { DailyCountsReport } from './daily-counts-report';

/** Rows by level (the default) or by agency as well. */
export const REPORT_GROUPINGS = ['level', 'agency'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/**
 * The report as JSON: period, the log position it reflects, figures by level and in total, and the
 * province-wide online figures at the top, as the Ministry's report quotes them. Agencies only when
 * asked for with `--by agency`.
 */
export function reportJson(report: DailyCountsReport, by: ReportGrouping = 'level') {
  const { period, map, unmapped, mapChanges, asOf, levels, total, agencies } = report;
  return {
    period,
    map,
    ...(mapChanges ? { mapChanges } : {}),
    ...(unmapped ? { unmapped } : {}),
    asOf,
    levels,
    total,
    receivedOnline: total.receivedOnline,
    fullProcessOnline: total.fullProcessOnline,
    onlinePayments: total.onlinePayments,
    ...(by === 'agency' ? { agencies } : {}),
  };
}
