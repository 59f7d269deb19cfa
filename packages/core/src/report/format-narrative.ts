import type { AgencyLevel } from '../registry/agency-registry-file';
import { AGENCY_LEVELS } from '../registry/agency-registry-file';
import { inProgress } from './balance';
import type { CountsRow, DailyCountsReport } from './daily-counts-report';
import { formatCount as n, formatPercent as pct } from './format-vietnamese';
import { periodInWords, vietnameseDate } from './period-words';
import { asOfClause, reportWarnings } from './report-completeness';

/** Who received the dossiers, as the Ministry's report form names each level. */
const RECEIVED_BY: Readonly<Record<AgencyLevel, string>> = {
  province: 'các sở, ngành',
  district: 'UBND cấp huyện',
  commune: 'UBND cấp xã',
};

/*
 * The seed report writes "giải quyết đúng hạn là 151.017" for early and on time together; here
 * "đúng hạn" always means on the due day (the balance line's), so that figure is "trước và đúng hạn",
 * as the sentence's own rate already says. The figures are the seed's.
 */
function resolutionLine(who: string | null, row: CountsRow): string {
  const subject = who === null ? 'Tỷ lệ hồ sơ TTHC' : `Tỷ lệ hồ sơ TTHC do ${who} tiếp nhận`;
  if (row.resolved === 0)
    return `- ${who === null ? 'Không có' : `${who[0]?.toUpperCase() ?? ''}${who.slice(1)} không có`} hồ sơ TTHC giải quyết xong trong kỳ`;
  return `- ${subject} được giải quyết trước và đúng hạn đạt ${pct(row.onTimeRate)} trong đó: Tổng số hồ sơ đã giải quyết xong ${n(row.resolved)} hồ sơ, giải quyết trước và đúng hạn là ${n(row.resolvedOnTime)} hồ sơ`;
}

function balanceLine(t: CountsRow): string {
  return (
    `- Tổng số hồ sơ tiếp nhận trong kỳ ${n(t.received)} hồ sơ (trực tuyến ${n(t.receivedOnline)} hồ sơ), từ kỳ trước chuyển qua ${n(t.carriedOver)} hồ sơ; ` +
    `đã giải quyết xong ${n(t.resolved)} hồ sơ (trước hạn ${n(t.resolvedEarly)}, đúng hạn ${n(t.resolvedOnDueDay)}, quá hạn ${n(t.resolvedLate)}); ` +
    `đang giải quyết ${n(inProgress(t.inProgressAtEnd))} hồ sơ (trong hạn ${n(t.inProgressAtEnd.notDue)}, quá hạn ${n(t.inProgressAtEnd.overdue)}); ` +
    `rút hồ sơ ${n(t.withdrawn)}, trả lại hồ sơ ${n(t.handedBack)}.`
  );
}

/**
 * The paragraphs of a province's half-year report on dossiers (section II.2.d, results of resolving
 * procedures, and II.2.g, procedures done electronically), in the words provinces use, ready to
 * paste; warnings (figures behind the log, no event in the period) come first, and the last line
 * states the period and how much of the log the figures reflect.
 */
export function formatNarrative(report: DailyCountsReport): string {
  const t = report.total;
  const levels = AGENCY_LEVELS.flatMap((level) => {
    const row = report.levels[level];
    return row && (row.agencies > 0 || row.resolved > 0) ? [resolutionLine(RECEIVED_BY[level], row)] : [];
  });
  const resolution = levels.length > 0 ? levels : [resolutionLine(null, t)];
  const period = periodInWords(report.period);
  const fpo = t.fullProcessOnline;
  // Above the paragraphs, so that an incomplete text is not pasted unread.
  const warnings = reportWarnings(report).map((w) => `[Lưu ý, không đưa vào báo cáo: ${w}]`);
  return [
    ...(warnings.length > 0 ? [...warnings, ''] : []),
    'd) Tình hình, kết quả giải quyết TTHC:',
    ...resolution.map((line, i) => `${line}${i === resolution.length - 1 ? '.' : ';'}`),
    balanceLine(t),
    '',
    'g) Thực hiện TTHC trên môi trường điện tử:',
    `- Trong kỳ báo cáo, toàn tỉnh đã tiếp nhận ${n(t.receivedOnline)} hồ sơ trực tuyến trên tất cả các lĩnh vực. ` +
      `Trong đó, số hồ sơ giải quyết trực tuyến của dịch vụ công trực tuyến toàn trình ${n(fpo.resolvedOnline)} hồ sơ trên tổng số hồ sơ giải quyết trong ${period} ` +
      `của dịch vụ công trực tuyến toàn trình (gồm cả trực tuyến và không trực tuyến) ${n(fpo.resolved)} hồ sơ` +
      (fpo.rate === null ? '.' : ` đạt tỷ lệ ${pct(fpo.rate)}.`),
    `- Trong kỳ báo cáo, toàn tỉnh phát sinh ${n(t.onlinePayments.count)} giao dịch thanh toán trực tuyến, tổng số tiền ${n(t.onlinePayments.amount)} đồng.`,
    '',
    `(Số liệu từ ngày ${vietnameseDate(report.period.from)} đến ngày ${vietnameseDate(report.period.to)}, ${asOfClause(report)}.)`,
    '',
  ].join('\n');
}
