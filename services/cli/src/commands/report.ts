import { assertCaughtUp, formatReport, loadAgencyRegistry, readDailyCountsReport } from '@tthc/core';
import { withStores, type Output } from '../context';
import { parseOptions, reportOptions } from '../options';

export async function reportCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(reportOptions, raw);
  const report = await withStores({ ...options, readOnly: true }, async (stores) => {
    // Levels come from the agency registry in the store, when there is one.
    const stored = await stores.ingestStore.loadRegistry();
    const loaded = stored ? loadAgencyRegistry(stored.registry) : undefined;
    // The log too, so that the report says how many events its view has not counted yet.
    return readDailyCountsReport(stores.dailyCountsStore, options.range, loaded?.ok ? loaded.registry : undefined, stores.eventStore);
  });
  // A reporting job asks for an error rather than figures that miss events; nothing is printed then.
  if (options.failIfBehind) assertCaughtUp(report);
  await out.write(formatReport(report, options.format, options.by));
}
