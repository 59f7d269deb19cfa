import { join } from 'node:path';
import { formatReport, loadAgencyRegistry, readDailyCountsReport } from '@tthc/core';
import { simulateProfile } from '@tthc/simulator';
import { stopSignal, withStores, type Output } from '../context';
import { CLI_DEFAULTS } from '../defaults';
import { demoOptions, parseOptions } from '../options';
import { ingestFromFile } from './ingest';
import { projectBeside } from './project-beside';
import { scaledProfileFile, simulationRegistryEvent, writeSimulation } from './simulate';
import { createProgress } from '../progress';

/** The profile the demo simulates by default (CLI_DEFAULTS.demoProfile), wherever the command runs from. */
export const DEMO_PROFILE = join(__dirname, '..', '..', '..', '..', CLI_DEFAULTS.demoProfile);

/**
 * The whole path on the embedded store: simulate a profile into a feed file (its registry first) →
 * ingest it while a worker thread projects it → print the report over the profile's period. Run again, it appends nothing
 * and prints the same report.
 */
/**
 * Where a demo keeps its events unless --store (or TTHC_STORE_URL) says: the default demo in the
 * default store, which `tthc report` and `tthc status` read; another profile, scale or seed in a
 * store of its own, `data/<profile>[-x<scale>]-seed-<n>.sqlite`, since its dossiers share codes with
 * the default one's and the same store would refuse them all and report the old figures.
 */
export function demoStoreUrl(options: { profile?: string | undefined; scale: number; seed: number }, profileName: string): string {
  const isDefault = options.profile === undefined && options.scale === 1 && options.seed === CLI_DEFAULTS.seed;
  return isDefault ? CLI_DEFAULTS.store : `sqlite:${join('data', `${profileName}-seed-${options.seed}.sqlite`)}`;
}

export async function demoCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const parsed = parseOptions(demoOptions, raw);
  const file = parsed.profile ?? DEMO_PROFILE;
  const profile = scaledProfileFile(file, parsed.scale);
  const options = raw.store === undefined ? parseOptions(demoOptions, { ...raw, store: demoStoreUrl(parsed, profile.name) }) : parsed;
  const simulation = simulateProfile(profile, { seed: options.seed });
  const registryEvent = simulationRegistryEvent(profile, simulation, options.seed);
  const feed = options.out ?? join('data', `${profile.name}-seed-${options.seed}.ndjson`);
  const report = await withStores(options, async (stores, logger) => {
    const progress = createProgress('simulate', 'events');
    try {
      await writeSimulation(feed, registryEvent, simulation, (events) => progress.update(events, simulation.eventCount));
    } finally {
      progress.stop();
    }
    logger.info(
      { file: feed, profile: profile.name, dossiers: simulation.dossiers, events: simulation.eventCount, store: stores.description },
      'demo feed written',
    );
    // The projection follows the log in a thread of its own while this one ingests, as in production.
    let projectProgress: ReturnType<typeof createProgress> | undefined;
    const beside = projectBeside(options.store, options.logLevel, (events) => projectProgress?.update(events, Math.max(events, simulation.eventCount)));
    let ingested;
    try {
      ingested = await ingestFromFile(stores, logger, feed, options.batchSize);
    } catch (error) {
      await beside.stop();
      throw error;
    }
    logger.info(ingested, 'demo feed ingested');
    if (stopSignal().aborted) {
      // Stopped once the feed was all stored (a stop during ingest ends the demo with INTERRUPTED): what is projected so far is reported.
      await beside.stop();
    } else {
      projectProgress = createProgress('project', 'events');
      // A stop while the projection catches up ends it after its commit in flight, as for tthc project.
      const stopBeside = () => void beside.stop();
      stopSignal().addEventListener('abort', stopBeside, { once: true });
      try {
        const projected = await beside.finish();
        logger.info(projected, 'demo feed projected');
      } finally {
        stopSignal().removeEventListener('abort', stopBeside);
        projectProgress.stop();
      }
    }
    const registry = loadAgencyRegistry(simulation.registry);
    return readDailyCountsReport(stores.dailyCountsStore, profile.period, registry.ok ? registry.registry : undefined, stores.eventStore);
  });
  await out.write(formatReport(report, options.format));
}
