import { z } from 'zod';
import { sourceUrn, type AgencyRegistry, type DeadLetter, type EventStore, type IngestStore } from '@tthc/core';
import { ingestBatch, type MessageOutcome } from './ingest-batch';
import { ingestSyncBatch } from './sync-door';

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
  const all = await ingestStore.listLetters({ status: 'dead', limit: request.limit, ...(request.reason ? { reason: request.reason } : {}) });
  const ctx = { eventStore: stores.eventStore, ingestStore, registry, source: 'redrive' };
  // A sync record's letter goes through its door again, read into events anew; the rest are events.
  const read = all.map((letter) => ({ letter, kept: syncLetterOf(letter) }));
  const synced = await redriveSyncRecords(
    ctx,
    read.flatMap((r) => (r.kept ? [{ letter: r.letter, kept: r.kept }] : [])),
  );
  const letters = read.flatMap((r) => (r.kept ? [] : [r.letter]));
  // Same origins: the pipeline records no second letter for a message that fails again; the letter is settled here.
  const messages = letters.map((l) => ({ key: l.key, value: Buffer.from(l.value), headers: l.headers, origin: l.origin }));
  const result = await ingestBatch(ctx, messages);
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
  return {
    letters: all.length,
    appended: byOutcome.appended + synced.appended,
    duplicate: byOutcome.duplicate,
    dead: byOutcome.dead + synced.dead,
    parked: byOutcome.parked,
  };
}

/** What a refused sync record's letter holds when the record could be read as an object (`SyncLetterValue`). */
const keptSyncLetter = z.object({ door: z.literal('dvcqg'), source: sourceUrn, record: z.record(z.string(), z.unknown()) });

/** The letter of a sync record the door refused, with what it kept of it; none for any other letter. */
function syncLetterOf(letter: DeadLetter): z.infer<typeof keptSyncLetter> | undefined {
  if (letter.reason !== 'invalid-sync-record') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(letter.value).toString('utf8'));
  } catch {
    return undefined;
  }
  const kept = keptSyncLetter.safeParse(value);
  return kept.success ? kept.data : undefined;
}

/**
 * Reads refused sync records again (after the door's rules changed): a record now read is resolved,
 * its events counted as any event; one refused again stays dead. Its record counts move from
 * refused to translated, so each record is still counted once.
 */
async function redriveSyncRecords(
  ctx: { eventStore: EventStore; ingestStore: IngestStore; registry: AgencyRegistry; source: string },
  letters: readonly { letter: DeadLetter; kept: z.infer<typeof keptSyncLetter> }[],
): Promise<{ appended: number; dead: number }> {
  let appended = 0;
  let dead = 0;
  for (const { letter, kept } of letters) {
    const message = { key: letter.key, value: JSON.stringify(kept.record), origin: letter.origin };
    const result = await ingestSyncBatch(ctx, [message], { format: kept.door, source: kept.source });
    const outcome: MessageOutcome = result.outcomes.get(letter.origin) ?? 'appended';
    if (outcome === 'dead') dead += 1;
    else appended += 1;
    await ctx.ingestStore.settleLetters([letter.id], outcome === 'dead' ? 'dead' : 'resolved');
    // The door counted the record again: it was counted, refused, once already.
    await ctx.ingestStore.addRecordCounts(ctx.source, { records: -1, translated: 0, refused: -1, events: 0 });
  }
  return { appended, dead };
}
