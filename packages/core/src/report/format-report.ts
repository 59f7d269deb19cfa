import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { formatCount, formatPercent } from './format-vietnamese';
import { AGENCY_LEVELS, type AgencyLevel } from '../registry/agency-registry-file';

export const REPORT_FORMATS = ['text', 'json'] as const;
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
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const LEVEL_NAMES: Readonly<Record<AgencyLevel, string>> = {
  province: 'Sở, ban, ngành',
  district: 'UBND cấp huyện',
  commune: 'UBND cấp xã',
};

function formatText(report: DailyCountsReport): string {
  const byLevel = AGENCY_LEVELS.flatMap((level) => {
    const row = report.levels[level];
    return row ? [[`${LEVEL_NAMES[level]} (${formatCount(row.agencies)})`, ...COLUMNS.map(([, f]) => f(row))]] : [];
  });
  const header = [byLevel.length > 0 ? 'Cấp' : 'Cơ quan', ...COLUMNS.map(([h]) => h)];
  const rows = [
    ...(byLevel.length > 0 ? byLevel : report.agencies.map((a) => [a.agencyCode, ...COLUMNS.map(([, f]) => f(a))])),
    ['Tổng cộng', ...COLUMNS.map(([, f]) => f(report.total))],
  ];
  const t = report.total;
  return [
    `Báo cáo hồ sơ TTHC từ ${report.period.from} đến ${report.period.to} (vị trí nhật ký ${report.asOf.position ?? 'chưa có'})`,
    '',
    table(header, rows),
    '',
    '* Đúng hạn gồm cả trước hạn.',
    `Dịch vụ công trực tuyến toàn trình: ${formatCount(t.fullProcessOnline.resolvedOnline)}/${formatCount(t.fullProcessOnline.resolved)} hồ sơ giải quyết trực tuyến (${formatPercent(t.fullProcessOnline.rate)}).`,
    `Thanh toán trực tuyến: ${formatCount(t.onlinePayments.count)} giao dịch, ${formatCount(t.onlinePayments.amount)} đồng.`,
    '',
  ].join('\n');
}

export function formatReport(report: DailyCountsReport, format: ReportFormat): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatText(report);
}
