export const DEFAULT_EVENTS_TOPIC = 'tthc.dossier-events.v1';
export const DEFAULT_DEAD_LETTER_TOPIC = 'tthc.dossier-events.dlq.v1';
export const DEFAULT_CONSUMER_GROUP = 'tthc-ingest';
