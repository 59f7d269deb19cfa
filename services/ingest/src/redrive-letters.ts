import type { AgencyRegistry, EventStore, IngestStore } from '@tthc/core';
import { ingestBatch } from './ingest-batch';

export interface RedriveRequest {
  /** Only the dead letters of this reason; all reasons when absent. */
  readonly reason?: string | undefined;
  /** At most this many letters, oldest first. */
  readonly limit: number;
}

export interface RedriveSummary {
  readonly letters: number;
  readonly appended: number;
  readonly duplicate: number;
  readonly dead: number;
  readonly parked: number;
}

/**
 * Runs dead letters through the ingest pipeline again, after the registry or a source system was
 * fixed: each one ends appended, a duplicate, or dead again (with one more attempt counted). The
 * `tthc dlq redrive` command and the API's operator action both call this.
 */
export async function redriveDeadLetters(
  stores: { readonly eventStore: EventStore; readonly ingestStore: IngestStore },
  registry: AgencyRegistry,
  request: RedriveRequest,
): Promise<RedriveSummary> {
  const { ingestStore } = stores;
  const letters = await ingestStore.listLetters({ status: 'dead', limit: request.limit, ...(request.reason ? { reason: request.reason } : {}) });
  // Same origins: the pipeline records no second letter for a message that fails again; the letter is settled here.
  const messages = letters.map((l) => ({ key: l.key, value: Buffer.from(l.value), origin: l.origin }));
  const result = await ingestBatch({ eventStore: stores.eventStore, ingestStore, registry, source: 'redrive' }, messages);
  const byOutcome = { appended: 0, duplicate: 0, dead: 0, parked: 0 };
  for (const [i, letter] of letters.entries()) {
    const outcome = result.outcomes.get(messages[i]?.origin ?? '') ?? 'dead';
    byOutcome[outcome] += 1;
    await ingestStore.settleLetters([letter.id], outcome === 'dead' || outcome === 'parked' ? outcome : 'resolved');
  }
  // The pipeline counted the redriven messages as consumed again, and those whose letter stays (dead
  // or parked again) as duplicates, since their letters were already recorded. Each was consumed,
  // and counted dead, once already: take that back, so that the totals add up with each letter where
  // it is now.
  await ingestStore.addCounts('redrive', {
    consumed: -letters.length,
    appended: 0,
    duplicates: -(byOutcome.dead + byOutcome.parked),
    deadLettered: -(byOutcome.appended + byOutcome.duplicate + byOutcome.parked),
    parked: byOutcome.parked,
  });
  return { letters: letters.length, ...byOutcome };
}
