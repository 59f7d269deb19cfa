import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { registryEvent, TthcError, type AgencyRegistryEvent, type AnyVersionDossierEvent, type ContentMode } from '@tthc/core';
import {
  loadProfile,
  reorganisationProblems,
  reorganiseSimulation,
  scaleProfile,
  simulateProfile,
  SIMULATION_SOURCE,
  syncRecordsOf,
  type ProfileSimulation,
  type SimulatedSyncRecord,
  type SimulationProfile,
} from '@tthc/simulator';
import { createLogger, type Logger } from '@tthc/logging';
import { createKafka, CLIENT_IDS, ensureKafkaReachable, IDEMPOTENT_PRODUCER_RETRY, type KafkaSecurity } from '@tthc/kafka';
import { kafkaClientOf } from '../kafka-options';
import { createPublisher, publishRegistry } from '@tthc/publisher';
import type { Output } from '../context';
import { parseOptions, simulateOptions, UsageError } from '../options';
import { createProgress } from '../progress';

/** Raised when a profile breaks its rules (its figures cannot balance): every problem, each naming its field. */
export class InvalidProfileError extends TthcError {
  readonly code = 'INVALID_PROFILE';
}

export const SIMULATOR_SOURCE = 'urn:tthc:simulator';

/** A profile file read and scaled (`--scale` of demo and simulate); 1 leaves it as it is. */
export function scaledProfileFile(file: string, scale: number): SimulationProfile {
  const scaled = scaleProfile(readProfileFile(file), scale);
  if (!scaled.ok) throw new InvalidProfileError(`${file} scaled by ${scale}: ${scaled.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
  return scaled.profile;
}

export function readProfileFile(file: string): SimulationProfile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read a JSON profile: ${(error as Error).message}`);
  }
  const loaded = loadProfile(value);
  if (!loaded.ok) {
    throw new InvalidProfileError(`${file}: ${loaded.problems.length} problem(s)\n${loaded.problems.map((p) => `  ${p.field}: ${p.rule}`).join('\n')}`);
  }
  return loaded.profile;
}

/** The registry the simulated agencies need, as the first record of the output. */
export function simulationRegistryEvent(profile: SimulationProfile, simulation: ProfileSimulation, seed: number): AgencyRegistryEvent {
  const subject =
    profile.name
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '')
      .slice(0, 100) || 'simulated';
  return registryEvent(simulation.registry, {
    id: `registry-${subject}-seed-${seed}`,
    source: SIMULATOR_SOURCE,
    subject,
    time: `${profile.period.from}T00:00:00+07:00`,
  });
}

/** What a feed holds after its registry line: the simulation's events, or the DVCQG sync records a one-stop-shop system would post for them. */
export type FeedFormat = 'cloudevents' | 'dvcqg';

/**
 * The simulation's events, and how many of them have been read so far: progress of a feed, whose
 * lines may be sync records (one per change; an apology posts none).
 */
function countedEvents(simulation: ProfileSimulation): { events: IterableIterator<AnyVersionDossierEvent>; covered: () => number } {
  let covered = 0;
  const events = function* () {
    for (const event of simulation.events()) {
      covered += 1;
      yield event;
    }
  };
  return { events: events(), covered: () => covered };
}

/**
 * Writes the feed: the registry line, then every event (or sync record) in time order. Streams, so memory stays flat.
 * It writes beside the file and renames at the end, so a failed or interrupted run never leaves a
 * partial feed that could be ingested as if it were whole.
 */
export async function writeSimulation(
  file: string,
  registry: AgencyRegistryEvent,
  simulation: ProfileSimulation,
  onProgress: (events: number) => void,
  format: FeedFormat = 'cloudevents',
): Promise<number> {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const stream = createWriteStream(partial);
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  // The error surfaces through the write that meets it; this keeps it from also going unhandled.
  finished.catch(() => undefined);
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  try {
    await write(`${JSON.stringify(registry)}\n`);
    const feed = countedEvents(simulation);
    let lines = 0;
    let chunk = '';
    for (const line of format === 'dvcqg' ? syncRecordsOf(feed.events) : feed.events) {
      chunk += `${JSON.stringify(line)}\n`;
      lines += 1;
      if (lines % 2000 === 0) {
        await write(chunk);
        chunk = '';
        onProgress(feed.covered());
      }
    }
    await write(chunk);
    onProgress(feed.covered());
    stream.end();
    await finished;
    renameSync(partial, file);
    return lines;
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * Sends sync records as a one-stop-shop system would post them, keyed by dossier code so that a
 * dossier's records keep their order: raw JSON, since they are not events for the publisher to check.
 */
async function publishSyncRecords(
  options: { brokers: readonly string[]; security: KafkaSecurity; topic: string; batchSize: number },
  simulation: ProfileSimulation,
  logger: Logger,
  onProgress: (events: number) => void,
): Promise<number> {
  // The publisher's check, for the raw producer: a wrong address or credentials are said at once.
  await ensureKafkaReachable(options.brokers, { security: options.security });
  const kafka = createKafka({ brokers: options.brokers, security: options.security, clientId: CLIENT_IDS.publisher, logger });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: IDEMPOTENT_PRODUCER_RETRY });
  await producer.connect();
  try {
    const feed = countedEvents(simulation);
    let batch: SimulatedSyncRecord[] = [];
    let sent = 0;
    const send = async () => {
      await producer.send({ topic: options.topic, acks: -1, messages: batch.map((r) => ({ key: r.MaHoSo, value: JSON.stringify(r) })) });
      sent += batch.length;
      batch = [];
      onProgress(feed.covered());
    };
    for (const record of syncRecordsOf(feed.events)) {
      batch.push(record);
      if (batch.length >= options.batchSize) await send();
    }
    await send();
    return sent;
  } finally {
    await producer.disconnect();
  }
}

async function publishSimulation(
  options: { brokers: readonly string[]; security: KafkaSecurity; topic: string; registryTopic: string; batchSize: number; contentMode: ContentMode },
  registry: AgencyRegistryEvent,
  simulation: ProfileSimulation,
  logger: Logger,
  onProgress: (events: number) => void,
  format: FeedFormat = 'cloudevents',
): Promise<number> {
  // The registry first, acknowledged: ingest reads its topic to the end before checking any event.
  await publishRegistry(registry, { brokers: options.brokers, security: options.security, topic: options.registryTopic, logger });
  if (format === 'dvcqg') return publishSyncRecords(options, simulation, logger, onProgress);
  const publisher = await createPublisher({ brokers: options.brokers, ...options.security, topic: options.topic, contentMode: options.contentMode, logger });
  try {
    let batch: unknown[] = [];
    let sent = 0;
    for (const event of simulation.events()) {
      batch.push(event);
      if (batch.length >= options.batchSize) {
        await publisher.publish(batch);
        sent += batch.length;
        batch = [];
        onProgress(sent);
      }
    }
    await publisher.publish(batch);
    onProgress(sent + batch.length);
    return sent + batch.length;
  } finally {
    await publisher.disconnect();
  }
}

/** `tthc simulate`: a profile in; a self-sufficient feed (registry and events) out, to a file or to Kafka. */
export async function simulateCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(simulateOptions, raw);
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const profile = scaledProfileFile(options.profile, options.scale);
  const started = Date.now();
  const on = options.reorganiseOn;
  if (on !== undefined) {
    const problems = reorganisationProblems(profile.period, on);
    if (problems.length > 0) throw new UsageError(problems.map((p) => `--reorganise-on: ${p.rule}`).join('\n'));
  }
  const simulated = simulateProfile(profile, { seed: options.seed });
  const reorganised = on !== undefined ? reorganiseSimulation(simulated, on) : undefined;
  const simulation = reorganised ?? simulated;
  const registry = simulationRegistryEvent(profile, simulation, options.seed);
  const progress = createProgress('simulate', 'events');
  let written: number;
  try {
    const onProgress = (events: number) => progress.update(events, simulation.eventCount);
    if (options.out !== undefined) written = await writeSimulation(options.out, registry, simulation, onProgress, options.format);
    else
      written = await publishSimulation(
        {
          ...kafkaClientOf(options),
          topic: options.topic,
          registryTopic: options.registryTopic,
          batchSize: options.batchSize,
          contentMode: options.contentMode,
        },
        registry,
        simulation,
        logger,
        onProgress,
        options.format,
      );
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  logger.info({ profile: profile.name, seed: options.seed, dossiers: simulation.dossiers, events: simulation.eventCount, seconds }, 'profile simulated');
  await out.write(
    `${JSON.stringify({
      profile: profile.name,
      seed: options.seed,
      period: profile.period,
      dossiers: simulation.dossiers,
      events: simulation.eventCount,
      // The sync records the events were written as, and the system to name with `tthc ingest --format dvcqg --source`.
      ...(options.format === 'dvcqg' ? { format: 'dvcqg', records: written, source: SIMULATION_SOURCE } : {}),
      ...(options.out !== undefined ? { out: options.out } : { topic: options.topic, registryTopic: options.registryTopic }),
      seconds,
      figures: simulation.figures,
      // On both maps, worked out dossier by dossier from the feed: what `tthc report` and `tthc report --map` must show.
      ...(reorganised ? { reorganisedOn: reorganised.on, maps: reorganised.figuresByMaps(profile.period) } : {}),
    })}\n`,
  );
}
