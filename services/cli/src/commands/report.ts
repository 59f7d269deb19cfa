import { formatReport, readDailyCountsReport } from '@tthc/core';
import { withStores, writeOut } from '../context';
import { parseOptions, reportOptions } from '../options';

export async function reportCommand(raw: Record<string, unknown>): Promise<void> {
  const options = parseOptions(reportOptions, raw);
  const report = await withStores(options, (stores) => readDailyCountsReport(stores.projectionStore, { from: options.from, to: options.to }));
  await writeOut(formatReport(report, options.format));
}
