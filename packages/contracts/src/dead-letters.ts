/**
 * The dead-letter contract: a message the ingest service cannot turn into a stored event is sent
 * to the dead-letter topic with its original key and bytes and these headers.
 */
export const DEAD_LETTER_REASONS = [
  { code: 'invalid-json', meaning: 'the message value is not JSON' },
  { code: 'invalid-event', meaning: 'JSON, but not a valid event of an accepted type: a field breaks its rule, is missing, or is unknown' },
  { code: 'empty-message', meaning: 'the message has no value (or an empty one)' },
  { code: 'duplicate-id-conflict', meaning: 'the event id is already stored for a different dossier, type or data' },
  { code: 'unknown-agency', meaning: 'an agency code in the event is not in the agency registry' },
  { code: 'unauthorised-source', meaning: 'the `source` may not publish events for that agency' },
  { code: 'lifecycle-violation', meaning: 'the event breaks the dossier lifecycle (see the lifecycle table)' },
] as const;

export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number]['code'];

export const DEAD_LETTER_HEADERS = {
  reason: 'tthc-dlq-reason',
  message: 'tthc-dlq-message',
  sourceTopic: 'tthc-dlq-source-topic',
  sourcePartition: 'tthc-dlq-source-partition',
  sourceOffset: 'tthc-dlq-source-offset',
} as const;

/** Headers of a message on the events topic, as `@tthc/publisher` sends them. */
export const EVENT_HEADERS = { type: 'ce-type', id: 'ce-id' } as const;
