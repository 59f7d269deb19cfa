import { rename, rm, writeFile } from 'node:fs/promises';
import {
  assertCaughtUp,
  formatReport,
  loadAgencyRegistry,
  readDailyCountsReport,
  type DailyCountsReport,
  type ReportFormat,
  type ReportGrouping,
} from '@tthc/core';
import { reportWorkbook } from '@tthc/report-xlsx';
import { withStores, type Output } from '../context';
import { parseOptions, reportOptions, UsageError } from '../options';

export async function reportCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(reportOptions, raw);
  // Refused before the store is opened: a spreadsheet's bytes would only garble the terminal.
  if (options.format === 'xlsx' && options.out === undefined && out.isTerminal)
    throw new UsageError('--format xlsx: writes a spreadsheet, not text for the terminal; give --out FILE.xlsx (or redirect stdout to a file)');
  const report = await withStores({ ...options, readOnly: true }, async (stores) => {
    // Levels come from the agency registry in the store, when there is one.
    const stored = await stores.ingestStore.loadRegistry();
    const loaded = stored ? loadAgencyRegistry(stored.registry) : undefined;
    // The log too, so that the report says how many events its view has not counted yet.
    const registry = loaded?.ok ? loaded.registry : undefined;
    if (options.map !== undefined && registry === undefined)
      throw new UsageError("--map: counts under a day's agencies, which needs an agency registry in the store (tthc registry import FILE)");
    return readDailyCountsReport(stores.dailyCountsStore, options.range, registry, stores.eventStore, options.reportMap);
  });
  // A reporting job asks for an error rather than figures that miss events; nothing is printed then.
  if (options.failIfBehind) assertCaughtUp(report);
  const content = await renderReport(report, options.format, options.by);
  if (options.out !== undefined) await writeWhole(options.out, content);
  else if (typeof content === 'string') await out.write(content);
  else await out.writeBytes(content);
}

/** The report in any format: text, or the form's spreadsheet as bytes. */
export async function renderReport(report: DailyCountsReport, format: ReportFormat, by: ReportGrouping): Promise<string | Buffer> {
  return format === 'xlsx' ? reportWorkbook(report, by) : formatReport(report, format, by);
}

/** Written beside, then renamed over `path`: a reader never finds half a report, and a failed write leaves the old one. */
async function writeWhole(path: string, content: string | Buffer): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, content);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new UsageError(`--out: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}
