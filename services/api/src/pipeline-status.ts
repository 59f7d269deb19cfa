import { addCounts, ZERO_COUNTS, type IngestCounts, type LetterCount, type RecordCounts } from '@tthc/core';
import { PROJECTIONS, projectionStatus, type ProjectionStatus } from '@tthc/projector';
import type { Stores } from '@tthc/stores';

export interface IngestConservation {
  readonly sources: Record<string, IngestCounts>;
  readonly total: IngestCounts;
  /** Every consumed message is appended, a recognised duplicate, a dead letter, or parked. */
  readonly balanced: boolean;
  /**
   * Doors that read records into events (the DVCQG sync door), per source: records = translated +
   * refused, and the events the translated records stated are the source's `consumed` above.
   */
  readonly records: Record<string, RecordCounts>;
  /** Every record read into events or refused, at every record door. */
  readonly recordsBalanced: boolean;
  /** consumed counts a redelivered message again; the committed span counts each offset once. */
  readonly partitions: { source: string; partition: number; firstOffset: string; nextOffset: string; distinct: number }[];
}

/** Ingest's conservation counts per source and the span of offsets it has accounted for per partition. */
export async function ingestConservation(stores: Pick<Stores, 'ingestStore'>): Promise<IngestConservation> {
  const [counts, records, offsets] = await Promise.all([stores.ingestStore.counts(), stores.ingestStore.recordCounts(), stores.ingestStore.offsets()]);
  const total = [...counts.values()].reduce(addCounts, ZERO_COUNTS);
  return {
    sources: Object.fromEntries(counts),
    total,
    balanced: total.consumed === total.appended + total.duplicates + total.deadLettered + total.parked,
    records: Object.fromEntries(records),
    recordsBalanced: [...records.values()].every((r) => r.records === r.translated + r.refused),
    partitions: offsets.map((p) => ({
      source: p.source,
      partition: p.partition,
      firstOffset: p.first.toString(),
      nextOffset: p.next.toString(),
      distinct: Number(p.next - p.first),
    })),
  };
}

/** Each projection's live version, checkpoint, lag and rate, and any version being built; null before its first run. */
export async function projectionsStatus(
  stores: Pick<Stores, 'eventStore' | 'projectionStore'>,
  now = new Date(),
): Promise<Record<string, ProjectionStatus | null>> {
  const entries = await Promise.all(
    PROJECTIONS.map(async (name) => [name, await projectionStatus(stores.eventStore, stores.projectionStore, name, now)] as const),
  );
  return Object.fromEntries(entries);
}

export interface PipelineStatus {
  readonly store: string;
  readonly ingest: IngestConservation;
  /** Letters by status and reason. */
  readonly letters: LetterCount[];
  readonly projections: Record<string, ProjectionStatus | null>;
}

/** Where the pipeline stands, as `tthc status` prints it and the API serves it. */
export async function pipelineStatus(stores: Stores): Promise<PipelineStatus> {
  const [ingest, letters, projections] = await Promise.all([ingestConservation(stores), stores.ingestStore.countLetters(), projectionsStatus(stores)]);
  return {
    store: stores.description,
    ingest,
    letters: [...letters].sort((a, b) => a.status.localeCompare(b.status) || a.reason.localeCompare(b.reason)),
    projections,
  };
}
