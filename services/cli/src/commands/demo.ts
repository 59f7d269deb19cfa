import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { demoRegistry, formatReport, generateDemoDataset, loadAgencyRegistry, readDailyCountsReport } from '@tthc/core';
import { withStores, type Output } from '../context';
import { demoOptions, parseOptions } from '../options';
import { ingestFromFile } from './ingest';
import { projectUntilCaughtUp } from './project';


/** The whole path on the embedded store: generate a feed file → ingest → project → report. */
export async function demoCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(demoOptions, raw);
  const period = { from: options.from, to: options.to };
  const dataset = generateDemoDataset({ seed: options.seed, dossiers: options.dossiers, period });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, dataset.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const report = await withStores(options, async (stores, logger) => {
    logger.info({ file: options.out, events: dataset.events.length, store: stores.description }, 'demo feed written');
    // The demo's agencies and publishing system, so ingest can authorise its events.
    const current = await stores.ingestStore.loadRegistry();
    if (JSON.stringify(current?.registry) !== JSON.stringify(demoRegistry())) await stores.ingestStore.saveRegistry(demoRegistry());
    const ingested = await ingestFromFile(stores, logger, options.out, 5000);
    logger.info(ingested, 'demo feed ingested');
    await projectUntilCaughtUp(stores, logger, 5000);
    const registry = loadAgencyRegistry(demoRegistry());
    return readDailyCountsReport(stores.projectionStore, period, registry.ok ? registry.registry : undefined);
  });
  await out.write(formatReport(report, 'text'));
}
