import { z } from 'zod';

/** A Kafka topic name, as the broker accepts it; every topic option and setting is checked with this. */
export const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'must be a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"' });

export const DEFAULT_EVENTS_TOPIC = 'tthc.dossier-events.v1';
export const DEFAULT_DEAD_LETTER_TOPIC = 'tthc.dossier-events.dlq.v1';
export const DEFAULT_CONSUMER_GROUP = 'tthc-ingest';
/** The Kafka client ids the publisher (unless told otherwise) and ingest connect with, as schemas/asyncapi.json names them. */
export const CLIENT_IDS = { publisher: 'tthc-publisher', ingest: 'tthc-ingest' } as const;
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
/** The second door: DVCQG dossier sync records (DongBoHoSoMC) as one-stop-shop systems already send them, keyed by dossier code. */
export const DEFAULT_SYNC_TOPIC = 'tthc.dvcqg-sync.v1';
/** Its own consumer group: a group's members consume one subscription. */
export const DEFAULT_SYNC_CONSUMER_GROUP = 'tthc-ingest-dvcqg';
