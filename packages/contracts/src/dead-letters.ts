import { DEAD_LETTER_REASONS as CORE_REASONS, type DeadLetterReason } from '@tthc/core';
import { DEAD_LETTER_HEADERS } from '@tthc/kafka';

/**
 * The dead-letter contract: a message the ingest service cannot turn into a stored event is sent
 * to the dead-letter topic with its original key and bytes and these headers.
 */
const MEANINGS: Record<DeadLetterReason, string> = {
  'invalid-json': 'the message value is not JSON',
  'invalid-event': 'JSON, but not a valid event of an accepted type: a field breaks its rule, is missing, or is unknown',
  'empty-message': 'the message has no value (or an empty one)',
  'duplicate-id-conflict': 'the event id is already stored for a different dossier, type or data',
  'unknown-agency': 'an agency code in the event is not in the agency registry on the day of the event',
  'unauthorised-source': 'the `source` may not publish events for the dossier\'s agencies',
  'lifecycle-violation': 'the event breaks the dossier lifecycle (see the lifecycle table)',
};

/** The reason codes are the core's (what ingest writes); the meanings are the contract's wording. */
export const DEAD_LETTER_REASONS = CORE_REASONS.map((code) => ({ code, meaning: MEANINGS[code] }));

export { DEAD_LETTER_HEADERS };

/** Headers of a message on the events topic, as `@tthc/publisher` sends them. */
export const EVENT_HEADERS = { type: 'ce-type', id: 'ce-id' } as const;
