import ExcelJS from 'exceljs';
import { FORM_ROW_HEADING, standardForm, type DailyCountsReport, type ReportGrouping } from '@tthc/core';

/** The sheet's name, as a province files it. */
export const FORM_SHEET = 'Biểu mẫu';

const THIN = { style: 'thin' } as const;
const BOXED = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * The standard statistics form (see `standardForm` in the core) as an .xlsx workbook: title and
 * period, any warning, the two heading rows with each group merged over its columns, one row per
 * level (and agency, by agency) and the total, then the notes. Cells hold numbers, not text, so that a
 * province can sum and chart them; the layout is the text form's.
 */
export async function reportWorkbook(report: DailyCountsReport, by: ReportGrouping): Promise<Buffer> {
  const form = standardForm(report, by);
  const book = new ExcelJS.Workbook();
  book.creator = 'tthc';
  // The workbook states what it reflects, not when it was written: the same report gives the same cells.
  book.created = new Date(`${report.period.to}T00:00:00Z`);
  book.modified = book.created;
  const sheet = book.addWorksheet(FORM_SHEET, { pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const width = form.columns.length + 1;

  const wide = (text: string, font: Partial<ExcelJS.Font> = {}) => {
    const row = sheet.addRow([text]);
    sheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).font = font;
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    return row;
  };
  wide(form.title, { bold: true, size: 14 }).getCell(1).alignment = { horizontal: 'center' };
  wide(form.period, { italic: true }).getCell(1).alignment = { horizontal: 'center' };
  for (const warning of form.warnings) wide(`Lưu ý: ${warning}`, { bold: true, color: { argb: 'FFC00000' } });
  sheet.addRow([]);

  const groupRow = sheet.addRow([FORM_ROW_HEADING, ...form.columns.map((c) => c.group ?? c.label)]);
  const labelRow = sheet.addRow(['', ...form.columns.map((c) => (c.group === null ? '' : c.label))]);
  const top = groupRow.number;
  sheet.mergeCells(top, 1, top + 1, 1);
  for (let i = 0; i < form.columns.length;) {
    const group = form.columns[i]?.group ?? null;
    let end = i;
    while (group !== null && form.columns[end + 1]?.group === group) end += 1;
    if (group === null) sheet.mergeCells(top, i + 2, top + 1, i + 2);
    else if (end > i) sheet.mergeCells(top, i + 2, top, end + 2);
    i = end + 1;
  }
  for (const row of [groupRow, labelRow])
    for (let c = 1; c <= width; c += 1) {
      const cell = row.getCell(c);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BOXED;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
    }

  for (const r of form.rows) {
    const row = sheet.addRow([r.label, ...r.values]);
    for (let c = 1; c <= width; c += 1) {
      const cell = row.getCell(c);
      cell.border = BOXED;
      if (c > 1) cell.numFmt = '#,##0';
    }
    if (r.kind !== 'agency') row.font = { bold: true };
    else row.getCell(1).alignment = { indent: 1 };
  }
  sheet.addRow([]);
  for (const note of form.notes) wide(note, { italic: true });

  sheet.getColumn(1).width = Math.min(60, Math.max(FORM_ROW_HEADING.length, ...form.rows.map((r) => r.label.length)) + 4);
  for (let c = 2; c <= width; c += 1) sheet.getColumn(c).width = 13;
  labelRow.height = 32;
  sheet.views = [{ state: 'frozen', xSplit: 1, ySplit: labelRow.number }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
