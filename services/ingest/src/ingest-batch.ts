import { createHash } from 'node:crypto';
import {
  keptLetterHeaders,
  keptLetterValue,
  dossierCode as dossierCodeSchema,
  dossierStreamId,
  DuplicateEventIdConflictError,
  escapeInvisible,
  formatProblems,
  NaturalKeyConflictError,
  PARKED_REASON,
  parseKafkaEvent,
  StoreRejectedError,
  timeBoundsChecker,
  WrongExpectedRevisionError,
  type AgencyRegistry,
  type AnyVersionDossierEvent,
  type AppendOutcome,
  type DeadLetterReason,
  type EventStore,
  type IngestCounts,
  type IngestStore,
  type KafkaHeaders,
  type NewDeadLetter,
  type RecordedEvent,
  type TimeBounds,
} from '@tthc/core';
import { INGEST_DEFAULTS } from './defaults';
import { decideBatch, naturalKeyOfCandidate, snapshotServes, type Candidate, type Decision, type Parking, type Refusal } from './decide-batch';
import type { DossierCache, DossierSnapshot } from './dossier-cache';

export interface IncomingMessage {
  readonly key: string | null;
  /** The original bytes, kept verbatim for a dead letter. */
  readonly value: Buffer | string | null;
  /** Its Kafka headers: a binary-mode CloudEvent's attributes travel there. None for a line of a file. */
  readonly headers?: KafkaHeaders | undefined;
  /** Where it came from, unique per message: `topic/partition@offset` or `file:line#hash`. */
  readonly origin: string;
}

export interface IngestContext {
  readonly eventStore: EventStore;
  readonly ingestStore: IngestStore;
  readonly registry: AgencyRegistry;
  /** Key of the running counts: `kafka:<topic>` or `file`. */
  readonly source: string;
  /** How far event times may stray from the moment of ingest; INGEST_DEFAULTS.timeBounds when absent. */
  readonly timeBounds?: TimeBounds;
  /** The clock, in ms since the epoch (tests fix it). */
  readonly now?: () => number;
  /**
   * The dossiers this process wrote last, to decide their next events without reading their
   * streams; every stream is read when absent. Keep one per run, not shared between processes.
   */
  readonly cache?: DossierCache;
  /**
   * Runs each store call of the batch, e.g. again while the store is unavailable. Each call is
   * retried on its own: a batch whose append committed is never decided again, so its events are
   * not counted as duplicates of themselves. Absent, a call runs once.
   */
  readonly retry?: <T>(work: () => Promise<T>) => Promise<T>;
}

const once = <T>(work: () => Promise<T>): Promise<T> => work();

export type MessageOutcome = 'appended' | 'duplicate' | 'dead' | 'parked';

/** What became of a batch. consumed = appended + duplicates + deadLettered + parked. */
export interface BatchResult {
  readonly counts: IngestCounts;
  /** Letters to forward to the dead-letter topic: this batch's refusals and parked letters that died. */
  readonly deadLetters: readonly NewDeadLetter[];
  /** Parked letters of earlier batches that this batch's events let through. */
  readonly unparked: number;
  /**
   * What became of each message, by origin. A message whose letter was already recorded (a
   * redelivery) keeps its outcome here but is counted among the duplicates.
   */
  readonly outcomes: ReadonlyMap<string, MessageOutcome>;
}

/** A message refused before its event was decided: unreadable, invalid, or out of its time bounds. */
export interface Invalid {
  readonly message: IncomingMessage;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly dossierCode: string | null;
}

/** Decisions of one batch, or of the parts it was split into, with the refusals the store made. */
interface Settled {
  readonly accepted: Candidate<IncomingMessage>[];
  readonly duplicates: Candidate<IncomingMessage>[];
  readonly refused: Refusal<IncomingMessage>[];
  readonly parked: Parking<IncomingMessage>[];
}

const MAX_ATTEMPTS = 5;
const bytes = (value: Buffer | string | null): Uint8Array =>
  value === null ? new Uint8Array() : typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value);

/** A Kafka key names the dossier only when it is a valid dossier code. */
export const keyAsDossierCode = (key: string | null): string | null => (key !== null && dossierCodeSchema.safeParse(key).success ? key : null);

const sha256Hex = (value: Uint8Array): string => createHash('sha256').update(value).digest('hex');

/** A letter of a message that was not stored, as the ingest store keeps it. */
export function letter(
  message: IncomingMessage,
  reason: NewDeadLetter['reason'],
  detail: string,
  dossierCode: string | null,
  status: NewDeadLetter['status'],
  /** The value holds only what a door chose to keep (a sync record's kept fields): stored as it is. */
  options: { readonly valueKept?: boolean } = {},
): NewDeadLetter {
  // The key and the detail are shown to operators and stored as text: invisible characters are
  // written as escapes, so that no letter can fail to be stored or mislead a reader. Of the value,
  // what redrive and an operator need, and no personal data in clear (keptLetterValue).
  const headers = keptLetterHeaders(message.headers);
  return {
    origin: message.origin,
    key: message.key === null ? null : escapeInvisible(message.key),
    value: options.valueKept === true ? bytes(message.value) : keptLetterValue(reason, bytes(message.value), sha256Hex, message.headers).value,
    ...(headers !== undefined ? { headers } : {}),
    reason,
    message: escapeInvisible(detail),
    dossierCode,
    status,
  };
}

/** A batch's messages, parsed and checked on their own: what does not depend on the store. */
export interface ReadBatch {
  readonly messages: readonly IncomingMessage[];
  readonly invalid: readonly Invalid[];
  readonly candidates: readonly Candidate<IncomingMessage>[];
}

/**
 * Parses each message and checks its times; what passes is a candidate for the decision. Pure, so
 * a caller can read the next batch while the store is busy with the one before.
 */
export function readBatch(ctx: Pick<IngestContext, 'now' | 'timeBounds'>, messages: readonly IncomingMessage[]): ReadBatch {
  return { messages, ...readMessages(ctx, messages) };
}

function readMessages(
  ctx: Pick<IngestContext, 'now' | 'timeBounds'>,
  messages: readonly IncomingMessage[],
): { invalid: Invalid[]; candidates: Candidate<IncomingMessage>[] } {
  const timeBoundProblems = timeBoundsChecker(ctx.now?.() ?? Date.now(), ctx.timeBounds ?? INGEST_DEFAULTS.timeBounds);
  const invalid: Invalid[] = [];
  const candidates: Candidate<IncomingMessage>[] = [];
  for (const message of messages) {
    if (message.value === null || message.value.length === 0) {
      invalid.push({ message, reason: 'empty-message', detail: '(message): must not be empty', dossierCode: keyAsDossierCode(message.key) });
      continue;
    }
    // Either content mode of CloudEvents' Kafka binding, told apart by the headers.
    const parsed = parseKafkaEvent(
      typeof message.value === 'string' ? message.value : new Uint8Array(message.value.buffer, message.value.byteOffset, message.value.byteLength),
      message.headers,
    );
    if (!parsed.ok) {
      invalid.push({ message, reason: parsed.reason, detail: formatProblems(parsed.problems), dossierCode: keyAsDossierCode(message.key) });
      continue;
    }
    const late = timeBoundProblems(parsed.event);
    if (late.length > 0) invalid.push({ message, reason: 'implausible-time', detail: formatProblems(late), dossierCode: parsed.event.subject });
    else candidates.push({ event: parsed.event, message });
  }
  return { invalid, candidates };
}

/**
 * A batch of events already valid (built and checked by the caller, as the sync door does), each
 * with the message it stands for: only their times are checked. Spares parsing again what was just
 * built.
 */
export function readBuiltBatch(
  ctx: Pick<IngestContext, 'now' | 'timeBounds'>,
  built: readonly { readonly message: IncomingMessage; readonly event: AnyVersionDossierEvent }[],
): ReadBatch {
  const timeBoundProblems = timeBoundsChecker(ctx.now?.() ?? Date.now(), ctx.timeBounds ?? INGEST_DEFAULTS.timeBounds);
  const invalid: Invalid[] = [];
  const candidates: Candidate<IncomingMessage>[] = [];
  for (const { message, event } of built) {
    const late = timeBoundProblems(event);
    if (late.length > 0) invalid.push({ message, reason: 'implausible-time', detail: formatProblems(late), dossierCode: event.subject });
    else candidates.push({ event, message });
  }
  return { messages: built.map((b) => b.message), invalid, candidates };
}

/**
 * One batch through the door: parse and validate each message, decide each event against its
 * dossier's state and the registry, append what is accepted in one store transaction, then record
 * the letters and the counts. A concurrent writer of the same dossier makes the append fail its
 * expected revision: the batch is decided again on fresh state. A batch that the store refuses for
 * its data (not for being unavailable) is split until the messages at fault stand alone; they
 * become `store-rejected` letters with the store's words, and the rest is appended. Nothing here
 * commits Kafka offsets; the caller does, after this returns.
 */
export async function ingestBatch(ctx: IngestContext, batch: readonly IncomingMessage[] | ReadBatch): Promise<BatchResult> {
  const { messages, invalid, candidates } = 'candidates' in batch ? batch : readBatch(ctx, batch);
  const codes = [...new Set(candidates.map((c) => c.event.subject))];
  const retry = ctx.retry ?? once;
  const parkedLetters = await retry(() => ctx.ingestStore.parkedFor(codes));
  // A message that is itself a parked letter (redelivered, or a file ingested again) is tried as that letter, not twice.
  const parkedOrigins = new Set(parkedLetters.map((l) => l.origin));
  const again = candidates.filter((c) => parkedOrigins.has(c.message.origin));
  const fresh = candidates.filter((c) => !parkedOrigins.has(c.message.origin));
  const parked: Candidate<IncomingMessage>[] = parkedLetters.flatMap((l) => {
    const parsed = parseKafkaEvent(l.value, l.headers);
    return parsed.ok
      ? [{ event: parsed.event, message: { key: l.key, value: Buffer.from(l.value), headers: l.headers, origin: l.origin }, parkedId: l.id }]
      : [];
  });
  const settled = await appendIsolating(ctx, fresh, parked);
  return settle(ctx, messages.length, invalid, again, settled);
}

/**
 * Decides and appends; when the store refuses the data, splits the work in two (between dossiers
 * where it can) and does each half in turn, until each refused event stands alone. Events still
 * waiting after the first half go on to the second, so that the split changes nothing else.
 */
async function appendIsolating(
  ctx: IngestContext,
  pending: readonly Candidate<IncomingMessage>[],
  parked: readonly Candidate<IncomingMessage>[],
): Promise<Settled> {
  try {
    return await decideAndAppend(ctx, pending, parked);
  } catch (error) {
    if (!(error instanceof StoreRejectedError)) throw error;
    const work = [...parked, ...pending];
    if (work.length === 1 && work[0]) {
      const only = work[0];
      const refusal: Refusal<IncomingMessage> = {
        message: only.message,
        reason: 'store-rejected',
        detail: error.message,
        dossierCode: only.event.subject,
        ...(only.parkedId !== undefined ? { parkedId: only.parkedId } : {}),
      };
      return { accepted: [], duplicates: [], refused: [refusal], parked: [] };
    }
    const cut = splitPoint(work);
    const first = await appendIsolating(
      ctx,
      work.slice(0, cut).filter((c) => c.parkedId === undefined),
      work.slice(0, cut).filter((c) => c.parkedId !== undefined),
    );
    const settledIds = new Set([...first.accepted, ...first.duplicates, ...first.refused].map((c) => c.message.origin));
    const rest = work.slice(cut);
    const waitingParked = work.slice(0, cut).filter((c) => c.parkedId !== undefined && !settledIds.has(c.message.origin));
    const second = await appendIsolating(
      ctx,
      [...first.parked.map((p) => p.candidate), ...rest.filter((c) => c.parkedId === undefined)],
      [...waitingParked, ...rest.filter((c) => c.parkedId !== undefined)],
    );
    return {
      accepted: [...first.accepted, ...second.accepted],
      duplicates: [...first.duplicates, ...second.duplicates],
      refused: [...first.refused, ...second.refused],
      parked: second.parked,
    };
  }
}

/** The middle of the work, moved to the nearest change of dossier so that a dossier's events stay together while they can. */
function splitPoint(work: readonly Candidate<IncomingMessage>[]): number {
  const middle = Math.ceil(work.length / 2);
  const codeAt = (i: number) => work[i]?.event.subject;
  for (let d = 0; d < work.length; d += 1) {
    for (const i of [middle - d, middle + d]) if (i > 0 && i < work.length && codeAt(i) !== codeAt(i - 1)) return i;
  }
  return middle;
}

/** One decision and its append, decided again on fresh state after a lost race, and without a conflicting event after a conflict. */
async function decideAndAppend(
  ctx: IngestContext,
  pending: readonly Candidate<IncomingMessage>[],
  parked: readonly Candidate<IncomingMessage>[],
): Promise<Settled> {
  const conflicts: Refusal<IncomingMessage>[] = [];
  let work = pending;
  let waiting = parked;
  const all = () => [...work, ...waiting];
  for (let attempt = 1; ; attempt += 1) {
    const byDossier = new Map<string, Candidate<IncomingMessage>[]>();
    for (const c of all()) {
      const candidates = byDossier.get(c.event.subject);
      if (candidates) candidates.push(c);
      else byDossier.set(c.event.subject, [c]);
    }
    const snapshots = new Map<string, DossierSnapshot>();
    const toRead: string[] = [];
    for (const [code, candidates] of byDossier) {
      const snapshot = ctx.cache?.get(code);
      if (snapshot && snapshotServes(snapshot, candidates)) snapshots.set(code, snapshot);
      else toRead.push(code);
    }
    const logKeys = all().flatMap((c) => {
      const key = naturalKeyOfCandidate(c);
      return key.scope === 'log' ? [key.key] : [];
    });
    const retry = ctx.retry ?? once;
    const [streams, holders] = await retry(() =>
      Promise.all([
        toRead.length > 0 ? ctx.eventStore.readStreams(toRead.map(dossierStreamId)) : Promise.resolve(new Map<string, RecordedEvent[]>()),
        logKeys.length > 0 ? ctx.eventStore.readByNaturalKeys(logKeys) : Promise.resolve(new Map<string, RecordedEvent>()),
      ]),
    );
    const decision: Decision<IncomingMessage> = decideBatch(work, waiting, streams, ctx.registry, holders, snapshots);
    let outcome: AppendOutcome;
    try {
      outcome = await retry(() => ctx.eventStore.appendToStreams(decision.appends));
    } catch (error) {
      // Another writer moved a dossier on: what this process kept of the batch's dossiers is stale, read them again.
      if (error instanceof WrongExpectedRevisionError) ctx.cache?.forget(byDossier.keys());
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
      // An id or a natural key taken meanwhile by another dossier's event: refuse the later copy, decide the rest again.
      const taken =
        error instanceof DuplicateEventIdConflictError
          ? { id: error.eventId, reason: 'duplicate-id-conflict' as const }
          : error instanceof NaturalKeyConflictError
            ? { id: error.eventId, reason: 'natural-key-conflict' as const }
            : undefined;
      // The event at fault may be a new message or a parked letter that this batch released.
      const culprit = taken && all().findLast((c) => c.event.id === taken.id);
      if (taken && culprit) {
        conflicts.push({
          message: culprit.message,
          reason: taken.reason,
          detail: (error as Error).message,
          dossierCode: culprit.event.subject,
          ...(culprit.parkedId !== undefined ? { parkedId: culprit.parkedId } : {}),
        });
        work = work.filter((c) => c !== culprit);
        waiting = waiting.filter((c) => c !== culprit);
        attempt = 0;
        continue;
      }
      throw error;
    }
    if (ctx.cache) remember(ctx.cache, decision, outcome);
    return { accepted: decision.accepted, duplicates: decision.duplicates, refused: [...decision.refused, ...conflicts], parked: decision.parked };
  }
}

/**
 * Keeps the decided dossiers as the committed append left them. A stream the store numbered
 * otherwise than the decision expected (an event it found stored already) is forgotten instead,
 * to be read next time.
 */
function remember(cache: DossierCache, decision: Decision<IncomingMessage>, outcome: AppendOutcome): void {
  const committed = new Map(outcome.streams.map((s) => [s.streamId, s]));
  for (const [code, snapshot] of decision.snapshots) {
    const stream = committed.get(dossierStreamId(code));
    const revision = stream?.nextExpectedRevision === 'no_stream' ? undefined : stream?.nextExpectedRevision;
    if (stream && stream.duplicates === 0 && revision === snapshot.revision) cache.set(code, snapshot);
    else cache.forget([code]);
  }
}

/** Records the letters and the counts of a decided batch. */
async function settle(
  ctx: IngestContext,
  consumed: number,
  invalid: readonly Invalid[],
  again: readonly Candidate<IncomingMessage>[],
  settled: Settled,
): Promise<BatchResult> {
  const isRetry = (x: { parkedId?: number }) => x.parkedId !== undefined;
  const refusedNow = settled.refused.filter((r) => !isRetry(r));
  const diedParked = settled.refused.filter(isRetry);
  const newLetters = [
    ...invalid.map((r) => letter(r.message, r.reason, r.detail, r.dossierCode, 'dead')),
    ...refusedNow.map((r) => letter(r.message, r.reason, r.detail, r.dossierCode, 'dead')),
    ...settled.parked.map((p) => letter(p.candidate.message, PARKED_REASON, p.detail, p.candidate.event.subject, 'parked')),
  ];
  // Letters already recorded under the same origin are redeliveries: counted as duplicates, not twice.
  // Most batches have no letter to record or settle: no transaction for nothing.
  const retry = ctx.retry ?? once;
  const known = newLetters.length > 0 ? await retry(() => ctx.ingestStore.recordLetters(newLetters)) : new Set<string>();
  const resolvedIds = [...settled.accepted, ...settled.duplicates].flatMap((c) => (c.parkedId === undefined ? [] : [c.parkedId]));
  if (resolvedIds.length > 0) await retry(() => ctx.ingestStore.settleLetters(resolvedIds, 'resolved'));
  for (const r of diedParked) {
    const { parkedId } = r;
    if (parkedId !== undefined) await retry(() => ctx.ingestStore.settleLetters([parkedId], 'dead', { reason: r.reason, message: escapeInvisible(r.detail) }));
  }

  const outcomes = new Map<string, MessageOutcome>();
  for (const c of settled.accepted) if (!isRetry(c)) outcomes.set(c.message.origin, 'appended');
  for (const c of [...settled.duplicates.filter((d) => !isRetry(d)), ...again]) outcomes.set(c.message.origin, 'duplicate');
  for (const p of settled.parked) outcomes.set(p.candidate.message.origin, 'parked');
  for (const r of [...invalid, ...refusedNow]) outcomes.set(r.message.origin, 'dead');

  const tally = { appended: 0, duplicates: 0, deadLettered: 0, parked: 0 };
  for (const [origin, outcome] of outcomes) {
    if (known.has(origin) || outcome === 'duplicate') tally.duplicates += 1;
    else if (outcome === 'appended') tally.appended += 1;
    else if (outcome === 'dead') tally.deadLettered += 1;
    else tally.parked += 1;
  }
  // Parked letters that settle move from parked to their final count, so the totals still add up.
  const unparkedAppended = settled.accepted.filter(isRetry).length;
  const unparkedDuplicates = settled.duplicates.filter(isRetry).length;
  const counts: IngestCounts = {
    consumed,
    appended: tally.appended + unparkedAppended,
    duplicates: tally.duplicates + unparkedDuplicates,
    deadLettered: tally.deadLettered + diedParked.length,
    parked: tally.parked - unparkedAppended - unparkedDuplicates - diedParked.length,
  };
  await retry(() => ctx.ingestStore.addCounts(ctx.source, counts));
  return {
    outcomes,
    counts,
    deadLetters: [...newLetters.filter((l) => l.status === 'dead'), ...diedParked.map((r) => letter(r.message, r.reason, r.detail, r.dossierCode, 'dead'))],
    unparked: unparkedAppended + unparkedDuplicates,
  };
}
