import type { DayRange } from '../projection/daily-counts-store';
import { parsePeriod, type PeriodCutoff } from '../time/periods';

const ROMAN = ['I', 'II', 'III', 'IV'] as const;

/** 2024-06-30 → 30/06/2024, as Vietnamese documents write dates. */
export const vietnameseDate = (day: string): string => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/**
 * How a province names a reporting period in prose: "6 tháng đầu năm 2024", "quý I năm 2024",
 * "tháng 3 năm 2024", "năm 2024", under either cutoff; any other range is "từ 01/01/2024 đến 15/02/2024".
 */
export function periodInWords(range: DayRange): string {
  const years = [...new Set([Number(range.from.slice(0, 4)), Number(range.to.slice(0, 4))])];
  const named: [string, string][] = years.flatMap((year) => [
    [`${year}-H1`, `6 tháng đầu năm ${year}`],
    [`${year}-H2`, `6 tháng cuối năm ${year}`],
    [`${year}`, `năm ${year}`],
    ...ROMAN.map((q, i): [string, string] => [`${year}-Q${i + 1}`, `quý ${q} năm ${year}`]),
    ...Array.from({ length: 12 }, (_, i): [string, string] => [`${year}-${String(i + 1).padStart(2, '0')}`, `tháng ${i + 1} năm ${year}`]),
  ]);
  const cutoffs: PeriodCutoff[] = ['calendar', 'decree-09'];
  for (const [spec, words] of named) {
    for (const cutoff of cutoffs) {
      const p = parsePeriod(spec, cutoff);
      if (p.from === range.from && p.to === range.to) return words;
    }
  }
  return `từ ${vietnameseDate(range.from)} đến ${vietnameseDate(range.to)}`;
}
