import { createHash } from 'node:crypto';
import {
  addCounts,
  addRecordCounts,
  AGENCY_REGISTRY_EVENT_TYPE,
  mayBeRegistryEvent,
  ZERO_COUNTS,
  ZERO_RECORD_COUNTS,
  TthcError,
  type AgencyRegistry,
  type IngestCounts,
  type RecordCounts,
} from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { retryingWith, type RetryOptions } from '@tthc/retry';
import { adoptRegistryEvent } from './adopt-registry';
import { ingestBatch, readBatch, type BatchResult, type IncomingMessage, type IngestContext } from './ingest-batch';
import { INGEST_DEFAULTS } from './defaults';
import { DossierCache } from './dossier-cache';
import { isBlank, readLines } from './read-lines';
import { ingestSyncBatch, readSyncBatch, type SyncDoor } from './sync-door';

export interface IngestFileOptions {
  readonly batchSize?: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Called after each batch is stored with the running counts, the bytes read and the last line it held. */
  readonly onBatch?: (totals: IngestCounts, bytesRead: number, lastLine: number) => void;
  /** Called for each refused event; the letter is also logged, at `warn` unless `deadLetterLogLevel` says otherwise. */
  readonly onDeadLetter?: (reason: string) => void;
  /** The level of the one log line per dead letter (`warn` by default; a terminal caller that sums them up may lower it). */
  readonly deadLetterLogLevel?: 'warn' | 'debug';
  /** How long to wait before trying an unavailable store again (the defaults of retryWhileUnavailable when absent). */
  readonly retryDelays?: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>;
  /** Lines are DVCQG sync records, read into events (`tthc ingest --format dvcqg`); CloudEvents when absent. */
  readonly door?: SyncDoor;
  /** With `door`: called after each batch with the running record counts. */
  readonly onRecords?: (totals: RecordCounts) => void;
}

/** The counts' source of a file's lines: `file`, or `file:dvcqg` for sync records. */
export const fileSource = (door: SyncDoor | undefined): string => (door ? `file:${door.format}` : 'file');

/** Raised when events arrive and neither the store nor the feed has given an agency registry to check them against. */
export class NoRegistryError extends TthcError {
  readonly code = 'NO_REGISTRY';
}

/**
 * Ingests an NDJSON file (one CloudEvent per line, or with `door` one DVCQG sync record per line)
 * through the same batch pipeline as Kafka. Dead
 * letters stay in the store's database; a line's origin is `file:line#hash`, so ingesting the same
 * file again records nothing twice. A line that carries an agency registry (a simulated feed starts
 * with one) becomes the store's registry for the lines after it.
 */
export async function ingestFile(
  path: string,
  ctx: Omit<IngestContext, 'source' | 'registry'> & { readonly registry: AgencyRegistry | undefined },
  options: IngestFileOptions,
): Promise<IngestCounts> {
  const batchSize = options.batchSize ?? INGEST_DEFAULTS.batchSize;
  let registry = ctx.registry;
  let totals = ZERO_COUNTS;
  let recordTotals = ZERO_RECORD_COUNTS;
  const { door } = options;
  const source = fileSource(door);
  let bytesRead = 0;
  let batch: IncomingMessage[] = [];
  let lineNo = 0;
  // The dossiers this run wrote, kept for its next batches; the next run starts from the store.
  const cache = ctx.cache ?? new DossierCache();
  // One batch in the store at a time; the next is read and parsed meanwhile (it does not depend on
  // the store), then waits for it, so that it is decided on the state the one before left.
  let inStore: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const messages = batch;
    batch = [];
    if (!registry) {
      throw new NoRegistryError(
        `${path}: no agency registry to check events against: the store has none and no registry line came before line ${lineNo}; import one with \`tthc registry import FILE\``,
      );
    }
    const retry = retryingWith({ logger: options.logger, ...options.retryDelays, ...(options.signal ? { signal: options.signal } : {}) });
    const context: IngestContext = { ...ctx, registry, source, cache, retry };
    const read = door ? { door, batch: readSyncBatch(context, messages, door) } : { door, batch: readBatch(context, messages) };
    const lines = lineNo;
    const bytes = bytesRead;
    await inStore;
    inStore = (async () => {
      let result: BatchResult;
      let records: RecordCounts | undefined;
      if (read.door) {
        const synced = await ingestSyncBatch(context, read.batch, read.door);
        result = synced;
        records = synced.records;
        recordTotals = addRecordCounts(recordTotals, synced.records);
        options.onRecords?.(recordTotals);
      } else result = await ingestBatch(context, read.batch);
      totals = addCounts(totals, result.counts);
      const level = options.deadLetterLogLevel ?? 'warn';
      for (const letter of result.deadLetters) {
        options.logger[level]({ origin: letter.origin, reason: letter.reason, detail: letter.message }, 'dead letter');
        options.onDeadLetter?.(letter.reason);
      }
      options.logger.info({ file: path, lines, ...result.counts, ...(records ? { records } : {}), unparked: result.unparked }, 'batch ingested');
      options.onBatch?.(totals, bytes, lines);
    })();
    // A failure surfaces at the next flush; handled here so that it is not reported unhandled meanwhile.
    inStore.catch(() => undefined);
  };
  /** The batch in hand, and the one in the store, done. */
  const drain = async () => {
    await flush();
    await inStore;
  };
  for await (const line of readLines(path)) {
    lineNo = line.number;
    bytesRead = line.bytesRead;
    if (isBlank(line.bytes)) continue;
    const hash = createHash('sha1').update(line.bytes).digest('hex').slice(0, 12);
    const origin = `${path}:${lineNo}#${hash}`;
    // The type is ASCII: a byte-for-byte look picks the lines worth decoding and parsing as a registry.
    if (line.bytes.includes(AGENCY_REGISTRY_EVENT_TYPE) && mayBeRegistryEvent(line.bytes.toString('utf8'))) {
      // The events before it were checked against the registry then in force; those after it, against this one.
      await drain();
      const adopted = await adoptRegistryEvent(ctx.ingestStore, { key: null, value: line.bytes, origin }, options.logger);
      if (adopted.ok) registry = adopted.registry;
      else {
        const refused = { ...ZERO_COUNTS, consumed: 1, ...(adopted.redelivered ? { duplicates: 1 } : { deadLettered: 1 }) };
        await ctx.ingestStore.addCounts(source, refused);
        totals = addCounts(totals, refused);
      }
      continue;
    }
    batch.push({ key: null, value: line.bytes, origin });
    if (batch.length >= batchSize) await flush();
    if (options.signal?.aborted) break;
  }
  await drain();
  return totals;
}
