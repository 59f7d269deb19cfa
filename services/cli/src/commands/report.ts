import { buildDailyCountsReport, formatLogPosition, formatReport, type DailyCountsReport, type DayRange } from '@tthc/core';
import { DAILY_COUNTS_PROJECTION } from '@tthc/projector';
import type { Stores } from '@tthc/stores';
import { withStores, writeOut } from '../context';
import { parseOptions, reportOptions } from '../options';

/** Reads the view only, never the log, and states the log position the view reflects. */
export async function readReport(stores: Stores, period: DayRange): Promise<DailyCountsReport> {
  const [totals, checkpoint] = await Promise.all([
    stores.projectionStore.totals(period),
    stores.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION),
  ]);
  return buildDailyCountsReport(period, totals, checkpoint ? formatLogPosition(checkpoint.position) : null);
}

export async function reportCommand(raw: Record<string, unknown>): Promise<void> {
  const options = parseOptions(reportOptions, raw);
  const report = await withStores(options, (stores) => readReport(stores, { from: options.from, to: options.to }));
  await writeOut(formatReport(report, options.format));
}
