import { formatReport, readDailyCountsReport } from '@tthc/core';
import { withStores, type Output } from '../context';
import { parseOptions, reportOptions } from '../options';

export async function reportCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(reportOptions, raw);
  const report = await withStores(options, (stores) => readDailyCountsReport(stores.projectionStore, { from: options.from, to: options.to }));
  await out.write(formatReport(report, options.format));
}
