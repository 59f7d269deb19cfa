import { DateTime } from 'luxon';
import { TthcError } from '../errors';
import { VIETNAM_ZONE } from '../time/local-day';
import type { DailyCountsReport } from './daily-counts-report';
import { formatCount } from './format-vietnamese';
import { vietnameseDate } from './period-words';

/**
 * How complete a report is, said so that nobody takes an unfinished one for finished: how much of the
 * log its figures reflect, whether events wait beyond it, and whether the period has any event at
 * all. Every human format states these in the same words.
 */

/** Events in the log that the figures do not count yet; 0 when caught up or not known. */
export const eventsBehind = (report: DailyCountsReport): number => report.asOf.eventsBehind ?? 0;

const localTime = (iso: string): string => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  return dt.isValid ? dt.setZone(VIETNAM_ZONE).toFormat("HH:mm 'ngày' dd/MM/yyyy") : iso;
};

/**
 * What the figures reflect, as a clause after "Số liệu …": the count of events read from the start of
 * the log (the position is an identifier, `commit/prepare`, not "n of m"), when, and what is left.
 */
export function asOfClause(report: DailyCountsReport): string {
  const { position, eventsRead, updatedAt } = report.asOf;
  const behind = report.asOf.eventsBehind;
  if (position === null) return `chưa tổng hợp sự kiện nào của nhật ký${behind ? `; nhật ký có ${formatCount(behind)} sự kiện chưa được tổng hợp` : ''}`;
  const when = updatedAt ? `, cập nhật lúc ${localTime(updatedAt)}` : '';
  const read =
    eventsRead !== undefined
      ? `${formatCount(eventsRead)} sự kiện đầu tiên của nhật ký sự kiện (đến vị trí ${position}${when})`
      : `nhật ký sự kiện đến sự kiện ở vị trí ${position}${when}`;
  const rest =
    behind === undefined ? '' : behind === 0 ? '; đã tổng hợp hết nhật ký' : `; nhật ký còn ${formatCount(behind)} sự kiện sau vị trí này chưa được tổng hợp`;
  return `tổng hợp ${read}${rest}`;
}

/** The warnings a reader must see before the figures: the view is behind the log, the period or the store is empty. */
export function reportWarnings(report: DailyCountsReport): string[] {
  const behind = eventsBehind(report);
  const { from, to } = report.period;
  const period = `từ ${vietnameseDate(from)} đến ${vietnameseDate(to)}`;
  const warnings: string[] = [];
  if (behind > 0) {
    warnings.push(
      `CHƯA ĐỦ SỐ LIỆU: nhật ký còn ${formatCount(behind)} sự kiện chưa được tổng hợp vào báo cáo này; chạy \`tthc project --until-caught-up\` rồi lập lại báo cáo.`,
    );
  }
  if ((report.asOf.eventsRead ?? 0) === 0 && report.asOf.eventsBehind === 0) {
    warnings.push('Kho dữ liệu chưa có sự kiện nào: nạp dữ liệu bằng `tthc ingest` rồi chạy `tthc project`.');
  } else if (!report.periodHasEvents && (report.asOf.eventsRead ?? 1) > 0) {
    // Before anything is projected, the warning above says all there is to say.
    warnings.push(
      behind > 0
        ? `Các sự kiện đã tổng hợp không có sự kiện nào thuộc kỳ ${period}.`
        : `Kho dữ liệu không có sự kiện nào thuộc kỳ ${period}: không sự kiện nào của kỳ được tính vào số liệu (kiểm tra lại kỳ báo cáo và --store).`,
    );
  }
  if (report.unmapped && report.unmapped.length > 0) {
    warnings.push(
      `${formatCount(report.unmapped.length)} cơ quan có số liệu nhưng không có cơ quan kế thừa trên bản đồ ngày ${vietnameseDate(report.map)} (${report.unmapped.join(', ')}): số liệu của các cơ quan này chỉ được tính vào dòng Tổng cộng.`,
    );
  }
  return warnings;
}

/**
 * Which agencies the figures count under, as a sentence, when the reader needs telling: all under one
 * day's agencies, or each under the agency of its own day in a period the map changed in.
 */
export function mapNote(report: DailyCountsReport): string | undefined {
  if (report.map !== 'each-day') return `Mọi số liệu được tính cho cơ quan có thẩm quyền ngày ${vietnameseDate(report.map)} (theo cơ quan kế thừa).`;
  const changes = report.mapChanges ?? [];
  if (changes.length === 0) return undefined;
  return `Đơn vị hành chính được sắp xếp lại trong kỳ (từ ngày ${changes.map(vietnameseDate).join(', ')}): mỗi số liệu được tính cho cơ quan có thẩm quyền vào ngày phát sinh số liệu đó.`;
}

/** Whether any row of the report has dossiers moved between agencies, so that its tables show the two columns. */
export const hasTransfers = (report: DailyCountsReport): boolean =>
  [...Object.values(report.levels), ...report.agencies].some((r) => r.transferredIn + r.transferredOut > 0);

/** `tthc report --fail-if-behind` on a view that has not counted every event of the log. */
export class ReportBehindLogError extends TthcError {
  readonly code = 'REPORT_BEHIND_LOG';
  constructor(readonly eventsBehind: number) {
    super(
      `the daily-counts view is ${eventsBehind} events behind the log, so the report would be incomplete: run tthc project --until-caught-up (or wait for the running projector), then the report again`,
    );
  }
}

/** Throws ReportBehindLogError when the report's figures miss events of the log. */
export function assertCaughtUp(report: DailyCountsReport): void {
  const behind = eventsBehind(report);
  if (behind > 0) throw new ReportBehindLogError(behind);
}
