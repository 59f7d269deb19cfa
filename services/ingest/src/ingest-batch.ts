import {
  dossierStreamId,
  DuplicateEventIdConflictError,
  formatProblems,
  parseDossierEvent,
  WrongExpectedRevisionError,
  type AgencyRegistry,
  type DeadLetterReason,
  type EventStore,
  type IngestCounts,
  type IngestStore,
  type NewDeadLetter,
} from '@tthc/core';
import { decideBatch, type Candidate, type Refusal } from './decide-batch';

export interface IncomingMessage {
  readonly key: string | null;
  /** The original bytes, kept verbatim for a dead letter. */
  readonly value: Buffer | string | null;
  /** Where it came from, unique per message: `topic/partition@offset` or `file:line#hash`. */
  readonly origin: string;
}

export interface IngestContext {
  readonly eventStore: EventStore;
  readonly ingestStore: IngestStore;
  readonly registry: AgencyRegistry;
  /** Key of the running counts: `kafka:<topic>` or `file`. */
  readonly source: string;
}

/** What became of a batch. consumed = appended + duplicates + deadLetters (of this batch's messages) + parked. */
export interface BatchResult {
  readonly counts: IngestCounts;
  /** Letters to forward to the dead-letter topic: this batch's refusals and parked letters that died. */
  readonly deadLetters: readonly NewDeadLetter[];
  /** Parked letters of earlier batches that this batch's events let through. */
  readonly unparked: number;
  /** What became of each message, by origin. */
  readonly outcomes: ReadonlyMap<string, 'appended' | 'duplicate' | 'dead' | 'parked'>;
}

const MAX_ATTEMPTS = 5;
const bytes = (value: Buffer | string | null): Uint8Array =>
  value === null ? new Uint8Array() : typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value);

const toLetter = (r: Refusal<IncomingMessage> | { message: IncomingMessage; reason: DeadLetterReason; detail: string; dossierCode: string | null }, status: 'dead' | 'parked'): NewDeadLetter => ({
  origin: r.message.origin,
  key: r.message.key,
  value: bytes(r.message.value),
  reason: status === 'parked' ? 'parked-lifecycle' : r.reason,
  message: r.detail,
  dossierCode: r.dossierCode,
  status,
});

/**
 * One batch through the door: parse and validate each message, decide each event against its
 * dossier's state and the registry, append what is accepted in one store transaction, then record
 * the letters and the counts. A concurrent writer of the same dossier makes the append fail its
 * expected revision: the batch is decided again on fresh state. Nothing here commits Kafka offsets;
 * the caller does, after this returns.
 */
export async function ingestBatch(ctx: IngestContext, messages: readonly IncomingMessage[]): Promise<BatchResult> {
  const invalid: { message: IncomingMessage; reason: DeadLetterReason; detail: string; dossierCode: string | null }[] = [];
  const candidates: Candidate<IncomingMessage>[] = [];
  for (const message of messages) {
    if (message.value === null || message.value.length === 0) {
      invalid.push({ message, reason: 'empty-message', detail: '(message): must not be empty', dossierCode: message.key });
      continue;
    }
    const parsed = parseDossierEvent(message.value);
    if (parsed.ok) candidates.push({ event: parsed.event, message });
    else invalid.push({ message, reason: parsed.reason, detail: formatProblems(parsed.problems), dossierCode: message.key });
  }

  const codes = [...new Set(candidates.map((c) => c.event.subject))];
  const parkedLetters = await ctx.ingestStore.parkedFor(codes);
  const parked: Candidate<IncomingMessage>[] = parkedLetters.flatMap((letter) => {
    const parsed = parseDossierEvent(letter.value);
    return parsed.ok ? [{ event: parsed.event, message: { key: letter.key, value: Buffer.from(letter.value), origin: letter.origin }, parkedId: letter.id }] : [];
  });

  let pending = candidates;
  const conflicts: Refusal<IncomingMessage>[] = [];
  for (let attempt = 1; ; attempt += 1) {
    const streams = await ctx.eventStore.readStreams(codes.map(dossierStreamId));
    const decision = decideBatch(pending, parked, streams, ctx.registry);
    try {
      await ctx.eventStore.appendToStreams(decision.appends);
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof DuplicateEventIdConflictError) {
        // The id is taken in another dossier's stream: refuse the later copy, decide the rest again.
        const culprit = pending.findLast((c) => c.event.id === error.eventId);
        if (culprit) {
          conflicts.push({ message: culprit.message, reason: 'duplicate-id-conflict', detail: error.message, dossierCode: culprit.event.subject });
          pending = pending.filter((c) => c !== culprit);
          attempt = 0;
          continue;
        }
      }
      throw error;
    }
    return settle(ctx, messages.length, invalid, conflicts, decision);
  }
}

async function settle(
  ctx: IngestContext,
  consumed: number,
  invalid: readonly { message: IncomingMessage; reason: DeadLetterReason; detail: string; dossierCode: string | null }[],
  conflicts: readonly Refusal<IncomingMessage>[],
  decision: ReturnType<typeof decideBatch<IncomingMessage>>,
): Promise<BatchResult> {
  const isRetry = (x: { parkedId?: number }) => x.parkedId !== undefined;
  const refusedNow = [...decision.refused.filter((r) => !isRetry(r)), ...conflicts];
  const diedParked = decision.refused.filter(isRetry);
  const newLetters = [...invalid.map((r) => toLetter(r, 'dead')), ...refusedNow.map((r) => toLetter(r, 'dead')), ...decision.parked.map((r) => toLetter(r, 'parked'))];
  await ctx.ingestStore.recordLetters(newLetters);
  const resolvedIds = [...decision.accepted, ...decision.duplicates].flatMap((c) => (c.parkedId === undefined ? [] : [c.parkedId]));
  await ctx.ingestStore.settleLetters(resolvedIds, 'resolved');
  for (const r of diedParked) if (r.parkedId !== undefined) await ctx.ingestStore.settleLetters([r.parkedId], 'dead', r.detail);

  const appendedNow = decision.accepted.filter((c) => !isRetry(c)).length;
  const unparkedAppended = decision.accepted.filter(isRetry).length;
  const unparkedDuplicates = decision.duplicates.filter(isRetry).length;
  // Parked letters that settle move from parked to their final count, so the totals still add up.
  const counts: IngestCounts = {
    consumed,
    appended: appendedNow + unparkedAppended,
    duplicates: decision.duplicates.filter((c) => !isRetry(c)).length + unparkedDuplicates,
    deadLettered: invalid.length + refusedNow.length + diedParked.length,
    parked: decision.parked.length - unparkedAppended - unparkedDuplicates - diedParked.length,
  };
  await ctx.ingestStore.addCounts(ctx.source, counts);
  const outcomes = new Map<string, 'appended' | 'duplicate' | 'dead' | 'parked'>();
  for (const c of decision.accepted) outcomes.set(c.message.origin, 'appended');
  for (const c of decision.duplicates) outcomes.set(c.message.origin, 'duplicate');
  for (const r of decision.parked) outcomes.set(r.message.origin, 'parked');
  for (const r of [...invalid, ...refusedNow, ...diedParked]) outcomes.set(r.message.origin, 'dead');
  return {
    outcomes,
    counts,
    deadLetters: [...newLetters.filter((l) => l.status === 'dead'), ...diedParked.map((r) => toLetter(r, 'dead'))],
    unparked: unparkedAppended + unparkedDuplicates,
  };
}
