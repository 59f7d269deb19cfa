import type { AgencyRegistryFile } from '../registry/agency-registry-file';
import type { DeadLetter, DeadLetterReason, IngestCounts, LetterStatus, NewDeadLetter, RecordCounts } from './dead-letter';

export interface LetterFilter {
  readonly status?: LetterStatus;
  readonly reason?: string;
  readonly limit?: number;
  /** Letters after this id only (ids grow): the next page after the last letter of the one before. */
  readonly afterId?: number;
}

/** How many letters there are of one status and reason; `purged` counts letters removed by `purgeLetters`, so that every letter written stays counted. */
export interface LetterCount {
  readonly status: LetterStatus | 'purged';
  readonly reason: string;
  readonly count: number;
}

/**
 * What the ingest service keeps beside the log: the agency registry it authorises against, the
 * letters it could not store (dead, or parked until their dossier's next event), and its counts.
 */
export interface IngestStore {
  /** The registry most recently imported; undefined before the first import. */
  loadRegistry(): Promise<{ version: number; registry: AgencyRegistryFile } | undefined>;
  /** Stores a new registry version; returns its version number. */
  saveRegistry(registry: AgencyRegistryFile): Promise<number>;
  /**
   * Records letters; a letter whose origin is already recorded is left as it is (a redelivered
   * message). Returns the origins that were already recorded, so that a redelivery is not counted twice.
   */
  recordLetters(letters: readonly NewDeadLetter[]): Promise<ReadonlySet<string>>;
  /** Parked letters of these dossiers, oldest first. */
  parkedFor(dossierCodes: readonly string[]): Promise<DeadLetter[]>;
  /** Moves letters to a new status after a retry, counting the attempt; a letter that dies takes the reason and message it died of. */
  settleLetters(ids: readonly number[], status: LetterStatus, cause?: { readonly reason: DeadLetterReason; readonly message: string }): Promise<void>;
  /** Letters in id order (oldest first), filtered, at most `limit` (default 100). */
  listLetters(filter?: LetterFilter): Promise<DeadLetter[]>;
  /** Letters counted by status and reason, without reading them; the purged ones under `purged`. */
  countLetters(): Promise<LetterCount[]>;
  /**
   * Removes dead and resolved letters last changed before `updatedBefore` (an ISO instant), counting
   * them by reason as purged; parked letters stay, since a later event of their dossier may release
   * them. Returns what it removed, by status and reason.
   */
  purgeLetters(updatedBefore: string): Promise<LetterCount[]>;
  /** Adds a batch's counts to a source's running totals (`kafka:topic`, `file`). */
  addCounts(source: string, counts: IngestCounts): Promise<void>;
  counts(): Promise<Map<string, IngestCounts>>;
  /** Adds a batch's record counts to a door's running totals (a door that reads records into events). */
  addRecordCounts(source: string, counts: RecordCounts): Promise<void>;
  recordCounts(): Promise<Map<string, RecordCounts>>;
  /**
   * Records that a partition's messages from `first` up to `next` (exclusive) are settled in the
   * store (ingest records it before committing their offsets to Kafka): the span widens, it never
   * narrows, so redeliveries do not count twice.
   */
  recordOffsets(source: string, partition: number, first: bigint, next: bigint): Promise<void>;
  /** Per source and partition, the first offset consumed and the next one to consume. */
  offsets(): Promise<PartitionSpan[]>;
}

/** The offsets of one partition that ingest has accounted for: `next - first` distinct messages. */
export interface PartitionSpan {
  readonly source: string;
  readonly partition: number;
  readonly first: bigint;
  readonly next: bigint;
}
