import { DEFAULT_TIME_BOUNDS } from '@tthc/core';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_EVENTS_TOPIC, DEFAULT_REGISTRY_TOPIC } from '@tthc/kafka';

/** What ingest does unless told otherwise; `tthc ingest` shows these in its help and passes them on. */
export const INGEST_DEFAULTS = {
  /** Events per store transaction when ingesting a file (Kafka's batches are its fetches). */
  batchSize: 5000,
  topic: DEFAULT_EVENTS_TOPIC,
  deadLetterTopic: DEFAULT_DEAD_LETTER_TOPIC,
  registryTopic: DEFAULT_REGISTRY_TOPIC,
  groupId: DEFAULT_CONSUMER_GROUP,
  /** With `--until-idle`: quiet time that counts as idle. */
  idleMs: 3000,
  /** Where a consumer following Kafka serves /metrics and /health (on 127.0.0.1). */
  metricsPort: 9464,
  /**
   * How long the group waits for a silent member before it gives its partitions to another (10 s:
   * a killed ingest's partitions move in well under 15 s), and how often a member says it is alive.
   */
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  /** The most bytes one fetch takes from a partition: the size of a batch from Kafka (1 MiB). */
  fetchBytesPerPartition: 1_048_576,
  /**
   * Batches of that many partitions go through ingest at once (each partition's in order), so that
   * one is parsed and decided while another waits for the store. A dossier's events share a
   * partition (the key is its code); a dossier that comes in two partitions anyway is guarded by its
   * append's expected revision, as with two processes.
   */
  partitionsConcurrently: 3,
  /** Dossier snapshots kept (DossierCache): every dossier in flight of the Lâm Đồng profile ×1; 200,000 (all of them at ×5) took the processes past 300 MB (docs/benchmarks.md). */
  dossierCacheSize: 60_000,
  /** How far event times may stray from the moment of ingest (implausible-time). */
  timeBounds: DEFAULT_TIME_BOUNDS,
} as const;
