import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { formatCount } from './format-vietnamese';
import type { ReportGrouping } from './report-json';
import { AGENCY_LEVELS, type AgencyLevel } from '../registry/agency-levels';

/** Each level of government as the province's report names it. */
export const LEVEL_NAMES: Readonly<Record<AgencyLevel, string>> = {
  province: 'Sở, ban, ngành',
  district: 'UBND cấp huyện',
  commune: 'UBND cấp xã',
};

export type ReportRow =
  | { readonly kind: 'level'; readonly level: AgencyLevel; readonly agencies: number; readonly label: string; readonly figures: CountsRow }
  | {
      readonly kind: 'agency';
      readonly agencyCode: string;
      readonly name: string | undefined;
      readonly level: AgencyLevel | null;
      readonly label: string;
      readonly figures: CountsRow;
    }
  | { readonly kind: 'total'; readonly label: string; readonly figures: CountsRow };

/**
 * The rows every table of the report shows, in order, whatever its format: one per level when the
 * store has a registry, each followed by its agencies when `by` is agency (agencies placed at no level
 * after the levels); one per agency when there is no registry; then the total.
 */
export function reportRows(report: DailyCountsReport, by: ReportGrouping): ReportRow[] {
  const agencyRow = (a: DailyCountsReport['agencies'][number]): ReportRow => ({
    kind: 'agency',
    agencyCode: a.agencyCode,
    name: a.name,
    level: a.level,
    label: `${a.agencyCode}${a.name ? ` ${a.name}` : ''}`,
    figures: a,
  });
  const levels = AGENCY_LEVELS.flatMap((level): ReportRow[] => {
    const row = report.levels[level];
    if (!row) return [];
    const members = by === 'agency' ? report.agencies.filter((a) => a.level === level).map(agencyRow) : [];
    return [{ kind: 'level', level, agencies: row.agencies, label: `${LEVEL_NAMES[level]} (${formatCount(row.agencies)})`, figures: row }, ...members];
  });
  const body =
    levels.length === 0
      ? report.agencies.map(agencyRow)
      : [...levels, ...(by === 'agency' ? report.agencies.filter((a) => a.level === null).map(agencyRow) : [])];
  return [...body, { kind: 'total', label: 'Tổng cộng', figures: report.total }];
}
