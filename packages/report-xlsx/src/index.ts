export * from './report-workbook';
