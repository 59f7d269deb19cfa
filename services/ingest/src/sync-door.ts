import {
  decodeUtf8,
  eventsOfSyncRecord,
  forbiddenTextProblems,
  formatProblems,
  keptFieldsOf,
  ZERO_RECORD_COUNTS,
  type DeadLetterReason,
  type DossierEvent,
  type FieldProblem,
  type RecordCounts,
} from '@tthc/core';
import {
  ingestBatch,
  keyAsDossierCode,
  letter,
  readBuiltBatch,
  type BatchResult,
  type IncomingMessage,
  type IngestContext,
  type Invalid,
  type ReadBatch,
} from './ingest-batch';

/**
 * The second door: records that one-stop-shop systems post to the national portal (DVCQG
 * "DongBoHoSoMC"), read into lifecycle events by the core's `eventsOfSyncRecord` and then taken in
 * as any event is. `source` is the URN of the system that sends them: the records do not name it,
 * and the registry authorises it for its agencies as it would a CloudEvents publisher.
 */
export interface SyncDoor {
  readonly format: 'dvcqg';
  readonly source: string;
}

/** What a letter of a refused record holds instead of its bytes: the door, its source, and the record's kept fields only. */
export interface SyncLetterValue {
  readonly door: 'dvcqg';
  readonly source: string;
  /** The fields the door keeps (KEPT_FIELDS); absent when the bytes could not be read as a JSON object. */
  readonly record?: Record<string, unknown>;
  /** Why the bytes could not be read, and how many there were: nothing of them is kept. */
  readonly unreadable?: { readonly reason: DeadLetterReason; readonly bytes: number };
}

/** A batch of records read: the events they state, as messages of their own, and the records refused. */
export interface ReadSyncBatch {
  readonly records: readonly IncomingMessage[];
  /** The record each event was first read from in this batch, by the event's origin. */
  readonly recordOrigins: ReadonlyMap<string, string>;
  readonly refused: readonly Invalid[];
  readonly events: ReadBatch;
  readonly counts: RecordCounts;
}

/**
 * The origin of an event read from a record is the fact's own (its id), not the record's: the same
 * fact restated by later records is one message to the pipeline, so a refused or parked fact keeps
 * one letter, and its restatements count as duplicates.
 */
export const eventOrigin = (eventId: string): string => `dvcqg:${eventId}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Read = { ok: true; value: Record<string, unknown> } | { ok: false; reason: DeadLetterReason; problems: FieldProblem[] };

/**
 * A record's bytes as a JSON object. The parser's own words are not kept (they may quote the
 * record, the applicant's name with it), nor are characters judged here: only the kept fields are.
 */
function readRecord(value: Buffer | string | null): Read {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty-message', problems: [{ field: '(record)', rule: 'must not be empty' }] };
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    const decoded = decodeUtf8(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (!decoded.ok) return { ok: false, reason: 'invalid-encoding', problems: [{ field: '(record)', rule: decoded.rule }] };
    text = decoded.text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      ok: false,
      reason: 'invalid-json',
      problems: [{ field: '(record)', rule: 'must be JSON (the parser’s words are not kept: they may quote the record)' }],
    };
  }
  if (!isObject(parsed))
    return { ok: false, reason: 'invalid-sync-record', problems: [{ field: '(record)', rule: 'must be a JSON object, one DongBoHoSoMC record' }] };
  return { ok: true, value: parsed };
}

const byteLength = (value: Buffer | string | null) => (value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length);

/**
 * Reads each record into the events it states (pure, as `readBatch`). A refused record keeps, in
 * place of its bytes, only what `SyncLetterValue` says: never the applicant's fields.
 */
export function readSyncBatch(ctx: Pick<IngestContext, 'now' | 'timeBounds'>, records: readonly IncomingMessage[], door: SyncDoor): ReadSyncBatch {
  const refused: Invalid[] = [];
  const derived: { message: IncomingMessage; event: DossierEvent }[] = [];
  const recordOrigins = new Map<string, string>();
  let translated = 0;
  for (const message of records) {
    const read = readRecord(message.value);
    const kept = read.ok ? keptFieldsOf(read.value) : undefined;
    const code = kept && typeof kept.MaHoSo === 'string' ? keyAsDossierCode(kept.MaHoSo) : keyAsDossierCode(message.key);
    const refuse = (reason: DeadLetterReason, problems: readonly FieldProblem[]) => {
      const stored: SyncLetterValue = kept
        ? { door: door.format, source: door.source, record: kept }
        : { door: door.format, source: door.source, unreadable: { reason, bytes: byteLength(message.value) } };
      refused.push({
        message: { key: keyAsDossierCode(message.key), value: JSON.stringify(stored), origin: message.origin },
        reason,
        detail: formatProblems(problems),
        dossierCode: code,
      });
    };
    if (!read.ok) {
      refuse(read.reason, read.problems);
      continue;
    }
    const text = forbiddenTextProblems(kept);
    if (text.length > 0) {
      refuse('invalid-sync-record', text);
      continue;
    }
    const translation = eventsOfSyncRecord(kept, { source: door.source });
    if (!translation.ok) {
      refuse('invalid-sync-record', translation.problems);
      continue;
    }
    translated += 1;
    for (const event of translation.events) {
      const origin = eventOrigin(event.id);
      // A fact an earlier record of this batch stated already is the same message: handed on once.
      if (recordOrigins.has(origin)) continue;
      recordOrigins.set(origin, message.origin);
      derived.push({ event, message: { key: event.subject, value: JSON.stringify(event), origin } });
    }
  }
  return {
    records,
    recordOrigins,
    refused,
    // The events were built and checked by the mapping: only their times are left to check.
    events: readBuiltBatch(ctx, derived),
    // `events`: the distinct facts handed on, what the source's event counts consume.
    counts: { ...ZERO_RECORD_COUNTS, records: records.length, translated, refused: refused.length, events: derived.length },
  };
}

const once = <T>(work: () => Promise<T>): Promise<T> => work();

/** What became of a batch of records: the events they stated, as `ingestBatch` says, and the records' own counts. */
export interface SyncBatchResult extends BatchResult {
  readonly records: RecordCounts;
  /** The record each event was first read from, by the event's origin (a dead letter's offset on Kafka is its record's). */
  readonly recordOrigins: ReadonlyMap<string, string>;
}

/**
 * A batch of records through the door: their events through `ingestBatch` (counted under
 * `ctx.source` as any event), the refused records as dead letters, and the records counted under the
 * same source in the record ledger.
 */
export async function ingestSyncBatch(ctx: IngestContext, batch: readonly IncomingMessage[] | ReadSyncBatch, door: SyncDoor): Promise<SyncBatchResult> {
  const read = 'refused' in batch ? batch : readSyncBatch(ctx, batch, door);
  const retry = ctx.retry ?? once;
  const result = await ingestBatch(ctx, read.events);
  const letters = read.refused.map((r) => letter(r.message, r.reason, r.detail, r.dossierCode, 'dead', { valueKept: true }));
  if (letters.length > 0) await retry(() => ctx.ingestStore.recordLetters(letters));
  await retry(() => ctx.ingestStore.addRecordCounts(ctx.source, read.counts));
  const outcomes = new Map(result.outcomes);
  for (const r of read.refused) outcomes.set(r.message.origin, 'dead');
  return { ...result, deadLetters: [...letters, ...result.deadLetters], outcomes, records: read.counts, recordOrigins: read.recordOrigins };
}
