export const DEFAULT_EVENTS_TOPIC = 'tthc.dossier-events.v1';
export const DEFAULT_DEAD_LETTER_TOPIC = 'tthc.dossier-events.dlq.v1';
export const DEFAULT_CONSUMER_GROUP = 'tthc-ingest';
/** Compacted, one partition, keyed by registry name: the agency registry that ingest authorises sources against. */
export const DEFAULT_REGISTRY_TOPIC = 'tthc.agency-registry.v1';

/** Headers of a dead letter: why it was refused and where it came from (the contract in docs/events.md). */
export const DEAD_LETTER_HEADERS = {
  reason: 'tthc-dlq-reason',
  message: 'tthc-dlq-message',
  sourceTopic: 'tthc-dlq-source-topic',
  sourcePartition: 'tthc-dlq-source-partition',
  sourceOffset: 'tthc-dlq-source-offset',
} as const;
