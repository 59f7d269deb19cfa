import { inflow, inProgress } from './balance';
import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { vietnameseDate } from './period-words';
import { asOfClause, hasTransfers, mapNote, reportWarnings } from './report-completeness';
import type { ReportGrouping } from './report-json';
import { reportRows, type ReportRow } from './report-rows';

export interface FormColumn {
  /** The heading over several columns, or null for a column that stands alone. */
  readonly group: string | null;
  readonly label: string;
  readonly value: (r: CountsRow) => number;
}

/*
 * The layout of the standard statistics form on resolving procedures: dossiers taken in (carried over
 * and newly received by channel), resolved (early, on the due day, late), still in progress at the
 * end (not yet due, overdue), and those that left without a result. Every cell is a count of
 * dossiers, and each row balances: taken in = resolved + in progress + withdrawn + handed back.
 */
const TAKEN_IN = 'Số hồ sơ nhận giải quyết';
const RESOLVED = 'Số hồ sơ đã giải quyết';
const IN_PROGRESS = 'Số hồ sơ đang giải quyết';

export const FORM_COLUMNS: readonly FormColumn[] = [
  { group: TAKEN_IN, label: 'Tổng số', value: inflow },
  { group: TAKEN_IN, label: 'Kỳ trước chuyển qua', value: (r) => r.carriedOver },
  { group: TAKEN_IN, label: 'Trực tuyến', value: (r) => r.receivedOnline },
  { group: TAKEN_IN, label: 'Trực tiếp', value: (r) => r.receivedInPerson },
  { group: TAKEN_IN, label: 'Bưu chính', value: (r) => r.receivedPostal },
  { group: RESOLVED, label: 'Tổng số', value: (r) => r.resolved },
  { group: RESOLVED, label: 'Trước hạn', value: (r) => r.resolvedEarly },
  { group: RESOLVED, label: 'Đúng hạn', value: (r) => r.resolvedOnDueDay },
  { group: RESOLVED, label: 'Quá hạn', value: (r) => r.resolvedLate },
  { group: IN_PROGRESS, label: 'Tổng số', value: (r) => inProgress(r.inProgressAtEnd) },
  { group: IN_PROGRESS, label: 'Trong hạn', value: (r) => r.inProgressAtEnd.notDue },
  { group: IN_PROGRESS, label: 'Quá hạn', value: (r) => r.inProgressAtEnd.overdue },
  { group: null, label: 'Rút hồ sơ', value: (r) => r.withdrawn },
  { group: null, label: 'Trả lại', value: (r) => r.handedBack },
];

/** The form's columns when dossiers moved between agencies in the period: moved in is taken in, moved out leaves. */
const TRANSFER_COLUMNS: readonly FormColumn[] = [
  ...FORM_COLUMNS.slice(0, 2),
  { group: TAKEN_IN, label: 'Chuyển đến', value: (r) => r.transferredIn },
  ...FORM_COLUMNS.slice(2),
  { group: null, label: 'Chuyển đi', value: (r) => r.transferredOut },
];

/** The heading of the first column, which names the rows. */
export const FORM_ROW_HEADING = 'Đơn vị';

export interface StandardForm {
  readonly title: string;
  /** The days counted, in words. */
  readonly period: string;
  /** What the figures may be missing (the view behind the log, no event in the period): shown above the table. */
  readonly warnings: readonly string[];
  readonly columns: readonly FormColumn[];
  readonly rows: readonly (ReportRow & { readonly values: readonly number[] })[];
  /** Under the table: what the columns mean, and how much of the log the figures count. */
  readonly notes: readonly string[];
}

/** The report in the form's layout, for every rendering of it (text, the spreadsheet). */
export function standardForm(report: DailyCountsReport, by: ReportGrouping): StandardForm {
  const moved = hasTransfers(report);
  const columns = moved ? TRANSFER_COLUMNS : FORM_COLUMNS;
  const transferNote = moved
    ? ['Chuyển đến, chuyển đi: hồ sơ đang giải quyết được chuyển giữa các cơ quan (và các cấp) khi sắp xếp lại đơn vị hành chính.']
    : [];
  return {
    title: 'Tình hình, kết quả giải quyết thủ tục hành chính',
    period: `Từ ngày ${vietnameseDate(report.period.from)} đến ngày ${vietnameseDate(report.period.to)}`,
    warnings: reportWarnings(report),
    columns,
    rows: reportRows(report, by).map((row) => ({ ...row, values: columns.map((c) => c.value(row.figures)) })),
    notes: [
      'Đúng hạn: giải quyết xong đúng ngày hẹn trả, không kể trước hạn. Trả lại: gồm cả hồ sơ dừng xử lý.',
      ...transferNote,
      ...[mapNote(report)].filter((note): note is string => note !== undefined),
      `Số liệu ${asOfClause(report)}.`,
    ],
  };
}
