/**
 * Why a consumed message was not stored. The codes are part of the published contract: each is
 * listed with an example line in docs/ingest.md, and a test holds the list and the code together.
 */
export const DEAD_LETTER_REASONS = [
  'empty-message',
  'invalid-encoding',
  'invalid-json',
  'invalid-event',
  'implausible-time',
  'duplicate-id-conflict',
  'natural-key-conflict',
  'unknown-agency',
  'unauthorised-source',
  'lifecycle-violation',
  'store-rejected',
  'invalid-sync-record',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/** The reason a letter carries while it is parked; when it dies it takes the reason it died of. */
export const PARKED_REASON = 'parked-lifecycle' as const;

/** Parked letters wait for a later event of their dossier (a payment before the receipt); dead ones for an operator. */
export type LetterStatus = 'parked' | 'dead' | 'resolved';

/** A message's headers as a letter keeps them (keptLetterHeaders): a header written more than once keeps each value. */
export type LetterHeaders = Readonly<Record<string, string | readonly string[]>>;

export interface NewDeadLetter {
  /** Where the message came from, unique per message: `topic/partition@offset` or `file:line#sha`. */
  readonly origin: string;
  readonly key: string | null;
  /** What the letter keeps of the message's value (keptLetterValue): the bytes verbatim unless they could hold personal data. */
  readonly value: Uint8Array;
  /** The message's Kafka headers, as keptLetterHeaders keeps them; absent for a message that had none (a file's line). */
  readonly headers?: LetterHeaders | undefined;
  readonly reason: DeadLetterReason | typeof PARKED_REASON;
  /** Names the field and the rule, or the lifecycle rule broken. */
  readonly message: string;
  readonly dossierCode: string | null;
  readonly status: Exclude<LetterStatus, 'resolved'>;
}

export interface DeadLetter extends NewDeadLetter {
  readonly id: number;
  readonly attempts: number;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
}

/** Conservation at the door: consumed = appended + duplicates + deadLettered + parked, per source. */
export interface IngestCounts {
  readonly consumed: number;
  readonly appended: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  readonly parked: number;
}

export const ZERO_COUNTS: IngestCounts = { consumed: 0, appended: 0, duplicates: 0, deadLettered: 0, parked: 0 };

export const addCounts = (a: IngestCounts, b: IngestCounts): IngestCounts => ({
  consumed: a.consumed + b.consumed,
  appended: a.appended + b.appended,
  duplicates: a.duplicates + b.duplicates,
  deadLettered: a.deadLettered + b.deadLettered,
  parked: a.parked + b.parked,
});

/**
 * Conservation at a door that reads records into events (the DVCQG sync records): records =
 * translated + refused, and `events` (what the translated records stated) is what the door's event
 * counts consume.
 */
export interface RecordCounts {
  readonly records: number;
  readonly translated: number;
  readonly refused: number;
  readonly events: number;
}

export const ZERO_RECORD_COUNTS: RecordCounts = { records: 0, translated: 0, refused: 0, events: 0 };

export const addRecordCounts = (a: RecordCounts, b: RecordCounts): RecordCounts => ({
  records: a.records + b.records,
  translated: a.translated + b.translated,
  refused: a.refused + b.refused,
  events: a.events + b.events,
});
