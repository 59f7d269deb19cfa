import { inProgress } from './balance';
import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { formatNarrative } from './format-narrative';
import { formatCount, formatPercent } from './format-vietnamese';
import { asOfClause, hasTransfers, mapNote, reportWarnings } from './report-completeness';
import { reportJson, type ReportGrouping } from './report-json';
import { reportRows } from './report-rows';
import { FORM_ROW_HEADING, standardForm } from './standard-form';

/**
 * Every format of the report. `xlsx`, the form as a spreadsheet, is binary and is written by the
 * spreadsheet adapter from `standardForm`; the others are text, from `formatReport`.
 */
export const REPORT_FORMATS = ['text', 'markdown', 'csv', 'json', 'narrative', 'form', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type TextReportFormat = Exclude<ReportFormat, 'xlsx'>;

/*
 * "Đúng hạn" has one meaning in every format: finished on the due day itself, as in the form's
 * columns (trước hạn, đúng hạn, quá hạn). Early and on time together are "trước và đúng hạn",
 * the figure the on-time rate counts (`resolvedOnTime`).
 */
const COLUMNS: readonly [string, (r: CountsRow) => string][] = [
  ['Kỳ trước chuyển qua', (r) => formatCount(r.carriedOver)],
  ['Tiếp nhận', (r) => formatCount(r.received)],
  ['Trực tuyến', (r) => formatCount(r.receivedOnline)],
  ['Đã giải quyết', (r) => formatCount(r.resolved)],
  ['Trước hạn', (r) => formatCount(r.resolvedEarly)],
  ['Đúng hạn', (r) => formatCount(r.resolvedOnDueDay)],
  ['Quá hạn', (r) => formatCount(r.resolvedLate)],
  ['Tỷ lệ trước và đúng hạn', (r) => formatPercent(r.onTimeRate)],
  ['Đang giải quyết', (r) => formatCount(inProgress(r.inProgressAtEnd))],
  ['TT trực tuyến', (r) => formatCount(r.onlinePayments.count)],
];

/** The two columns of dossiers moved between agencies, after the carried-over one, when the report has any. */
const TRANSFER_COLUMNS: readonly [string, (r: CountsRow) => string][] = [
  ['Chuyển đến', (r) => formatCount(r.transferredIn)],
  ['Chuyển đi', (r) => formatCount(r.transferredOut)],
];
const columnsOf = (report: DailyCountsReport) => (hasTransfers(report) ? [...COLUMNS.slice(0, 1), ...TRANSFER_COLUMNS, ...COLUMNS.slice(1)] : COLUMNS);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The rows a person reads (see `reportRows`), agencies indented under their level. */
function displayRows(report: DailyCountsReport, by: ReportGrouping): { header: string[]; rows: string[][] } {
  const rows = reportRows(report, by);
  const hasLevels = rows.some((r) => r.kind === 'level');
  const columns = columnsOf(report);
  const header = [hasLevels ? 'Cấp' : 'Cơ quan', ...columns.map(([h]) => h)];
  return {
    header,
    rows: rows.map((r) => [r.kind === 'agency' && hasLevels ? `  ${r.label}` : r.label, ...columns.map(([, f]) => f(r.figures))]),
  };
}

const title = (report: DailyCountsReport) => `Báo cáo hồ sơ TTHC từ ${report.period.from} đến ${report.period.to}`;

/** Warnings under the title, where they are seen before the figures; what the figures reflect at the end. */
const warnings = (report: DailyCountsReport) => reportWarnings(report).map((w) => `Lưu ý: ${w}`);
const asOfLine = (report: DailyCountsReport) => `Số liệu ${asOfClause(report)}.`;

function footer(report: DailyCountsReport): string[] {
  const t = report.total;
  return [
    'Đúng hạn: giải quyết xong đúng ngày hẹn trả, không kể trước hạn; tỷ lệ trước và đúng hạn = (trước hạn + đúng hạn) / đã giải quyết.',
    `Dịch vụ công trực tuyến toàn trình: ${formatCount(t.fullProcessOnline.resolvedOnline)}/${formatCount(t.fullProcessOnline.resolved)} hồ sơ giải quyết trực tuyến (${formatPercent(t.fullProcessOnline.rate)}).`,
    `Thanh toán trực tuyến: ${formatCount(t.onlinePayments.count)} giao dịch, ${formatCount(t.onlinePayments.amount)} đồng.`,
    ...[mapNote(report)].filter((note): note is string => note !== undefined),
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

/** For machines: one row per row of the tables (as `--by` asks), plain numbers, the period and log position on each, RFC 4180. */
function formatCsv(report: DailyCountsReport, by: ReportGrouping): string {
  const columns: readonly [string, (r: CountsRow) => number | string | null][] = [
    ['received', (r) => r.received],
    ['receivedOnline', (r) => r.receivedOnline],
    ['receivedInPerson', (r) => r.receivedInPerson],
    ['receivedPostal', (r) => r.receivedPostal],
    ['carriedOver', (r) => r.carriedOver],
    ['resolved', (r) => r.resolved],
    ['resolvedEarly', (r) => r.resolvedEarly],
    ['resolvedOnDueDay', (r) => r.resolvedOnDueDay],
    ['resolvedOnTime', (r) => r.resolvedOnTime],
    ['resolvedLate', (r) => r.resolvedLate],
    ['onTimeRate', (r) => r.onTimeRate],
    ['inProgressNotDue', (r) => r.inProgressAtEnd.notDue],
    ['inProgressOverdue', (r) => r.inProgressAtEnd.overdue],
    ['withdrawn', (r) => r.withdrawn],
    ['handedBack', (r) => r.handedBack],
    ['transferredIn', (r) => r.transferredIn],
    ['transferredOut', (r) => r.transferredOut],
    ['fullProcessResolved', (r) => r.fullProcessOnline.resolved],
    ['fullProcessResolvedOnline', (r) => r.fullProcessOnline.resolvedOnline],
    ['onlinePaymentsCount', (r) => r.onlinePayments.count],
    ['onlinePaymentsAmount', (r) => r.onlinePayments.amount],
  ];
  const { period, asOf } = report;
  const after = [period.from, period.to, report.map, asOf.position, asOf.eventsRead ?? null, asOf.eventsBehind ?? null];
  const cell = (v: number | string | null) => (v === null ? '' : typeof v === 'number' ? String(v) : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = reportRows(report, by).map((row) => {
    const [scope, level, name, agencies] =
      row.kind === 'level'
        ? [`level:${row.level}`, row.level, null, row.agencies]
        : row.kind === 'agency'
          ? [row.agencyCode, row.level, row.name ?? null, null]
          : ['total', null, null, null];
    return [scope, level, name, agencies, ...columns.map(([, f]) => f(row.figures)), ...after].map(cell).join(',');
  });
  const header = ['scope', 'level', 'name', 'agencies', ...columns.map(([h]) => h), 'from', 'to', 'map', 'position', 'eventsRead', 'eventsBehind'];
  return [header.join(','), ...lines, ''].join('\r\n');
}

/**
 * The standard statistics form as a text table: the groups' headings over their columns, then the
 * columns', one row per level (and agency, with `by` agency) and the total.
 */
function formatForm(report: DailyCountsReport, by: ReportGrouping): string {
  const form = standardForm(report, by);
  const header = [FORM_ROW_HEADING, ...form.columns.map((c) => c.label)];
  const cells = form.rows.map((r) => [r.kind === 'agency' ? `  ${r.label}` : r.label, ...r.values.map(formatCount)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  // A group's heading spans its columns and the gaps between them; a group too long for them widens its last column.
  const groups: { name: string; first: number; last: number }[] = [];
  form.columns.forEach((c, i) => {
    const last = groups[groups.length - 1];
    if (c.group !== null && last?.name === c.group && last.last === i) last.last = i + 1;
    else if (c.group !== null) groups.push({ name: c.group, first: i + 1, last: i + 1 });
  });
  const span = (g: { first: number; last: number }) => widths.slice(g.first, g.last + 1).reduce((a, w) => a + w, 0) + 2 * (g.last - g.first);
  for (const g of groups) if (span(g) < g.name.length) widths[g.last] = (widths[g.last] ?? 0) + g.name.length - span(g);
  const groupLine = header
    .map((_, i) => {
      const g = groups.find((x) => x.first <= i && i <= x.last);
      if (!g) return ' '.repeat(widths[i] ?? 0);
      return i === g.first ? g.name.padEnd(span(g)) : null;
    })
    .filter((c): c is string => c !== null)
    .join('  ');
  const line = (row: readonly string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [
    form.title,
    form.period,
    '',
    ...(form.warnings.length > 0 ? [...form.warnings.map((w) => `Lưu ý: ${w}`), ''] : []),
    groupLine.trimEnd(),
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    '',
    ...form.notes,
    '',
  ].join('\n');
}

/**
 * A text format of the report. `by` agency adds a row per agency under its level to every table
 * (text, markdown, csv, form) and the agencies to json; narrative is by level only.
 */
export function formatReport(report: DailyCountsReport, format: TextReportFormat, by: ReportGrouping = 'level'): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(reportJson(report, by), null, 2)}\n`;
    case 'markdown':
      return formatMarkdown(report, by);
    case 'csv':
      return formatCsv(report, by);
    case 'text':
      return formatText(report, by);
    case 'form':
      return formatForm(report, by);
    case 'narrative':
      return formatNarrative(report);
  }
}
