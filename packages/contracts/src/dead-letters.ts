import { DEAD_LETTER_REASONS as CORE_REASONS, type DeadLetterReason } from '@tthc/core';
import { DEAD_LETTER_HEADERS } from '@tthc/kafka';

/**
 * The dead-letter contract: a message the ingest service cannot turn into a stored event is sent
 * to the dead-letter topic with its original key, what its letter keeps of the value (keptLetterValue), and these headers.
 */
const MEANINGS: Record<DeadLetterReason, string> = {
  'empty-message': 'the message has no value (or an empty one)',
  'invalid-encoding': 'the message value is not UTF-8 text (bytes are never replaced)',
  'invalid-json': "the message value is not JSON, or writes a key twice in one object (the sender's meaning is unknown)",
  'invalid-event':
    'JSON, but not a valid event of an accepted type: a field breaks its rule (a control or invisible character included), is missing, or is unknown, or two fields contradict each other',
  'implausible-time':
    'a time or date lies before the floor (default 2000-01-01), or a time later than the moment of ingest and the horizon (default one day), or a date more than 1,827 days after it',
  'duplicate-id-conflict': 'the event id is already stored for a different dossier, type or data',
  'natural-key-conflict':
    "the fact the event states (a payment's platform and transaction, a dossier's receipt or result) is already stored with other content",
  'unknown-agency': 'an agency code in the event is not in the agency registry on the day the event is about',
  'unauthorised-source': "the `source` may not publish events for the dossier's agencies",
  'lifecycle-violation': 'the event breaks the dossier lifecycle (see the lifecycle table)',
  'store-rejected': "the store refused the event's data (its own words are kept); the events around it were stored",
  'invalid-sync-record':
    'a DVCQG sync record (the second door) that cannot be read into events: a field breaks its rule, or the record contradicts its own status; the letter keeps only the non-personal fields (docs/dvcqg.md)',
};

/** The reason codes are the core's (what ingest writes); the meanings are the contract's wording. */
export const DEAD_LETTER_REASONS = CORE_REASONS.map((code) => ({ code, meaning: MEANINGS[code] }));

export { DEAD_LETTER_HEADERS };
