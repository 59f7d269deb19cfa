import { readFileSync } from 'node:fs';
import { appendsByDossier, type AnyVersionDossierEvent, type StreamAppend } from '@tthc/core';
import { loadProfile, scaleProfile, simulateProfile, type ProfileSimulation, type SimulationProfile } from '@tthc/simulator';

/** Events our ingest hands to the store per transaction. */
export const APPEND_BATCH_SIZE = 1000;
/**
 * Events prepared at a time for the in-process rows (untimed), so that the data of a size never has
 * to be in memory whole (the profile ×5 is 7.4 million events). A multiple of every row's unit of work.
 */
export const CHUNK_EVENTS = 50_000;

/** One event as a row of the `events` table, with data and metadata serialised once, as the limits write it. */
export interface EventRow {
  readonly streamId: string;
  /** 0-based place in its stream. */
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  /** JSON text. */
  readonly data: string;
  /** JSON text. */
  readonly metadata: string;
}

/** A run of events in published order, in the two forms the rows write. */
export interface PreparedEvents {
  /** What our store is given: batches of 1,000 events, each grouped by stream as ingest groups a fetched batch. */
  readonly batches: readonly (readonly StreamAppend[])[];
  /** The same events as table rows, in the order our store writes them (the batches flattened), with the same revisions. */
  readonly rows: readonly EventRow[];
}

/**
 * Turns events, in published order, into store batches and table rows. It remembers each stream's
 * last revision, so that successive calls continue the same log.
 */
export class EventPreparer {
  private readonly revisions = new Map<string, number>();

  constructor(private readonly batchSize = APPEND_BATCH_SIZE) {}

  prepare(events: readonly AnyVersionDossierEvent[]): PreparedEvents {
    const batches: StreamAppend[][] = [];
    const rows: EventRow[] = [];
    for (let start = 0; start < events.length; start += this.batchSize) {
      const batch = appendsByDossier(events.slice(start, start + this.batchSize));
      batches.push(batch);
      for (const append of batch) {
        let revision = this.revisions.get(append.streamId) ?? -1;
        for (const event of append.events) {
          revision += 1;
          rows.push({
            streamId: append.streamId,
            revision,
            eventId: event.id,
            type: event.type,
            data: JSON.stringify(event.data),
            metadata: JSON.stringify(event.metadata ?? {}),
          });
        }
        this.revisions.set(append.streamId, revision);
      }
    }
    return { batches, rows };
  }
}

/** Store batches and table rows for a list of events: the same events, in the same order, with the same revisions. */
export function prepareEvents(events: readonly AnyVersionDossierEvent[], batchSize = APPEND_BATCH_SIZE): PreparedEvents {
  return new EventPreparer(batchSize).prepare(events);
}

/** The events in prepared chunks of `chunkEvents` (a multiple of the batch size), each continuing the revisions of the one before. */
export function* preparedChunks(
  events: Iterable<AnyVersionDossierEvent>,
  chunkEvents = CHUNK_EVENTS,
  batchSize = APPEND_BATCH_SIZE,
): Generator<PreparedEvents> {
  if (chunkEvents % batchSize !== 0) throw new RangeError(`chunks of ${chunkEvents} events do not hold whole batches of ${batchSize}`);
  const preparer = new EventPreparer(batchSize);
  let buffer: AnyVersionDossierEvent[] = [];
  for (const event of events) {
    buffer.push(event);
    if (buffer.length === chunkEvents) {
      yield preparer.prepare(buffer);
      buffer = [];
    }
  }
  if (buffer.length > 0) yield preparer.prepare(buffer);
}

/** The suffix of a size's result names: none for the first size, `@x5` for five times it. */
export const sizeSuffix = (multiple: number): string => (multiple === 1 ? '' : `@x${multiple}`);

/** One size of the run's data: the profile at a scale, simulated once; its events are rebuilt on demand for each row. */
export interface BenchDataset {
  /** The profile's name at this scale (`lam-dong-2024-h1`, `lam-dong-2024-h1-x5`). */
  readonly name: string;
  /** Appended to every result name of this size (`''` or `@x5`). */
  readonly suffix: string;
  /** Multiple of the run's base scale. */
  readonly multiple: number;
  /** Scale of the profile (multiple × base scale). */
  readonly scale: number;
  readonly seed: number;
  readonly profile: SimulationProfile;
  readonly simulation: ProfileSimulation;
  readonly dossiers: number;
  readonly events: number;
}

export function readProfile(file: string): SimulationProfile {
  const loaded = loadProfile(JSON.parse(readFileSync(file, 'utf8')));
  if (!loaded.ok) throw new Error(`${file}: ${loaded.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
  return loaded.profile;
}

/** The profile at `scale` (scaleProfile rounds every dossier figure; agencies stay), simulated with `seed`. Not timed. */
export function buildDataset(options: { profile: SimulationProfile; baseScale: number; multiple: number; seed: number }): BenchDataset {
  const scale = Math.round(options.baseScale * options.multiple * 1e6) / 1e6;
  let profile = options.profile;
  if (scale !== 1) {
    const scaled = scaleProfile(options.profile, scale);
    if (!scaled.ok) throw new Error(`the profile at scale ${scale}: ${scaled.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
    profile = scaled.profile;
  }
  const simulation = simulateProfile(profile, { seed: options.seed });
  return {
    name: profile.name,
    suffix: sizeSuffix(options.multiple),
    multiple: options.multiple,
    scale,
    seed: options.seed,
    profile,
    simulation,
    dossiers: simulation.dossiers,
    events: simulation.eventCount,
  };
}
