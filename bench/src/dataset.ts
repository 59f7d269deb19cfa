import { appendsByDossier, generateDemoDataset, type AnyVersionDossierEvent, type StreamAppend } from '@tthc/core';

export const DATASET_NAME = 'demo-2024-h1';
export const DATASET_PERIOD = { from: '2024-01-01', to: '2024-06-30' } as const;
/**
 * Events per dossier that `generateDemoDataset` yields over the period (seed 2024: 324,517 events
 * from 100,000 dossiers), used to pick the dossier count for a target number of events.
 */
export const EVENTS_PER_DOSSIER = 3.25;
/** Events our ingest hands to the store per transaction. */
export const APPEND_BATCH_SIZE = 1000;

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

export interface BenchDataset {
  readonly name: string;
  readonly seed: number;
  readonly dossiers: number;
  readonly events: number;
  /** What our store is given: batches of 1,000 events in published order, grouped by stream as ingest does. */
  readonly batches: readonly (readonly StreamAppend[])[];
  /** The same events as table rows, in the order our store writes them (the batches flattened). */
  readonly rows: readonly EventRow[];
}

/** Store batches and table rows for a list of events: the same events, in the same order, with the same revisions. */
export function prepareEvents(events: readonly AnyVersionDossierEvent[], batchSize = APPEND_BATCH_SIZE): Pick<BenchDataset, 'batches' | 'rows'> {
  const batches: StreamAppend[][] = [];
  const rows: EventRow[] = [];
  const revisions = new Map<string, number>();
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = appendsByDossier(events.slice(start, start + batchSize));
    batches.push(batch);
    for (const append of batch) {
      let revision = revisions.get(append.streamId) ?? -1;
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
      revisions.set(append.streamId, revision);
    }
  }
  return { batches, rows };
}

export const dossiersFor = (events: number): number => Math.max(1, Math.round(events / EVENTS_PER_DOSSIER));

/** Generates the demo feed once and serialises it once; no row's timing includes this. */
export function buildDataset(options: { seed: number; events: number }): BenchDataset {
  const dossiers = dossiersFor(options.events);
  const generated = generateDemoDataset({ seed: options.seed, dossiers, period: DATASET_PERIOD });
  const { batches, rows } = prepareEvents(generated.events);
  return { name: DATASET_NAME, seed: options.seed, dossiers, events: rows.length, batches, rows };
}
