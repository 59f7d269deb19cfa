import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { formatNarrative } from './format-narrative';
import { formatCount, formatPercent } from './format-vietnamese';
import { asOfClause, reportWarnings } from './report-completeness';
import { reportJson, type ReportGrouping } from './report-json';
import { AGENCY_LEVELS, type AgencyLevel } from '../registry/agency-registry-file';

export const REPORT_FORMATS = ['text', 'markdown', 'csv', 'json', 'narrative'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const COLUMNS: readonly [string, (r: CountsRow) => string][] = [
  ['Tiếp nhận', (r) => formatCount(r.received)],
  ['Trực tuyến', (r) => formatCount(r.receivedOnline)],
  ['Đã giải quyết', (r) => formatCount(r.resolved)],
  ['Trước hạn', (r) => formatCount(r.resolvedEarly)],
  ['Đúng hạn*', (r) => formatCount(r.resolvedOnTime)],
  ['Trễ hạn', (r) => formatCount(r.resolvedLate)],
  ['Tỷ lệ đúng hạn', (r) => formatPercent(r.onTimeRate)],
  ['TT trực tuyến', (r) => formatCount(r.onlinePayments.count)],
];

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const LEVEL_NAMES: Readonly<Record<AgencyLevel, string>> = {
  province: 'Sở, ban, ngành',
  district: 'UBND cấp huyện',
  commune: 'UBND cấp xã',
};

/**
 * The rows a person reads: one per level when the store has a registry, else one per agency; then
 * the total. By agency, each agency follows its level's row.
 */
function displayRows(report: DailyCountsReport, by: ReportGrouping): { header: string[]; rows: string[][] } {
  const cells = (r: CountsRow) => COLUMNS.map(([, f]) => f(r));
  const agencyRow = (a: DailyCountsReport['agencies'][number]) => [`  ${a.agencyCode}${a.name ? ` ${a.name}` : ''}`, ...cells(a)];
  const byLevel = AGENCY_LEVELS.flatMap((level) => {
    const row = report.levels[level];
    if (!row) return [];
    const members = by === 'agency' ? report.agencies.filter((a) => a.level === level).map(agencyRow) : [];
    return [[`${LEVEL_NAMES[level]} (${formatCount(row.agencies)})`, ...cells(row)], ...members];
  });
  const header = [byLevel.length > 0 ? 'Cấp' : 'Cơ quan', ...COLUMNS.map(([h]) => h)];
  const unplaced = byLevel.length > 0 && by === 'agency' ? report.agencies.filter((a) => a.level === null).map(agencyRow) : [];
  const rows = [
    ...(byLevel.length > 0 ? [...byLevel, ...unplaced] : report.agencies.map((a) => [a.agencyCode, ...cells(a)])),
    ['Tổng cộng', ...cells(report.total)],
  ];
  return { header, rows };
}

const title = (report: DailyCountsReport) => `Báo cáo hồ sơ TTHC từ ${report.period.from} đến ${report.period.to}`;

/** Warnings under the title, where they are seen before the figures; what the figures reflect at the end. */
const warnings = (report: DailyCountsReport) => reportWarnings(report).map((w) => `Lưu ý: ${w}`);
const asOfLine = (report: DailyCountsReport) => `Số liệu ${asOfClause(report)}.`;

function footer(report: DailyCountsReport): string[] {
  const t = report.total;
  return [
    '* Đúng hạn gồm cả trước hạn.',
    `Dịch vụ công trực tuyến toàn trình: ${formatCount(t.fullProcessOnline.resolvedOnline)}/${formatCount(t.fullProcessOnline.resolved)} hồ sơ giải quyết trực tuyến (${formatPercent(t.fullProcessOnline.rate)}).`,
    `Thanh toán trực tuyến: ${formatCount(t.onlinePayments.count)} giao dịch, ${formatCount(t.onlinePayments.amount)} đồng.`,
  ];
}

function formatText(report: DailyCountsReport, by: ReportGrouping): string {
  const { header, rows } = displayRows(report, by);
  const notes = warnings(report);
  return [title(report), '', ...(notes.length > 0 ? [...notes, ''] : []), table(header, rows), '', ...footer(report), asOfLine(report), ''].join('\n');
}

function formatMarkdown(report: DailyCountsReport, by: ReportGrouping): string {
  const { header, rows } = displayRows(report, by);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const align = `| --- |${' ---: |'.repeat(header.length - 1)}`;
  const notes = warnings(report).map((w) => `> **${w}**`);
  return [
    `### ${title(report)}`,
    '',
    ...(notes.length > 0 ? [notes.join('\n>\n'), ''] : []),
    line(header),
    align,
    ...rows.map(line),
    '',
    ...[...footer(report), asOfLine(report)].map((f) => `${f}  `),
    '',
  ].join('\n');
}

/** For machines: every agency, level and the total on its own row, plain numbers, RFC 4180. */
function formatCsv(report: DailyCountsReport): string {
  const columns: readonly [string, (r: CountsRow) => number | string | null][] = [
    ['received', (r) => r.received],
    ['receivedOnline', (r) => r.receivedOnline],
    ['carriedOver', (r) => r.carriedOver],
    ['resolved', (r) => r.resolved],
    ['resolvedEarly', (r) => r.resolvedEarly],
    ['resolvedOnTime', (r) => r.resolvedOnTime],
    ['resolvedLate', (r) => r.resolvedLate],
    ['onTimeRate', (r) => r.onTimeRate],
    ['inProgressNotDue', (r) => r.inProgressAtEnd.notDue],
    ['inProgressOverdue', (r) => r.inProgressAtEnd.overdue],
    ['withdrawn', (r) => r.withdrawn],
    ['handedBack', (r) => r.handedBack],
    ['fullProcessResolved', (r) => r.fullProcessOnline.resolved],
    ['fullProcessResolvedOnline', (r) => r.fullProcessOnline.resolvedOnline],
    ['onlinePaymentsCount', (r) => r.onlinePayments.count],
    ['onlinePaymentsAmount', (r) => r.onlinePayments.amount],
  ];
  const cell = (v: number | string | null) => (v === null ? '' : typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const line = (scope: string, level: string, agencies: number | null, r: CountsRow) =>
    [scope, level, agencies, ...columns.map(([, f]) => f(r))].map(cell).join(',');
  return [
    ['scope', 'level', 'agencies', ...columns.map(([h]) => h)].join(','),
    ...report.agencies.map((a) => line(a.agencyCode, a.level ?? '', null, a)),
    ...AGENCY_LEVELS.flatMap((level) => {
      const r = report.levels[level];
      return r ? [line(`level:${level}`, level, r.agencies, r)] : [];
    }),
    line('total', '', null, report.total),
    '',
  ].join('\r\n');
}

/** `by` adds a row per agency to text and markdown, and the agencies to json; csv always has them. */
export function formatReport(report: DailyCountsReport, format: ReportFormat, by: ReportGrouping = 'level'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(reportJson(report, by), null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(report, by);
    case 'csv':
      return formatCsv(report);
    case 'text':
      return formatText(report, by);
    case 'narrative':
      return formatNarrative(report);
  }
}
