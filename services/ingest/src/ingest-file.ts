import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { addCounts, ZERO_COUNTS, type IngestCounts } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { ingestBatch, type IncomingMessage, type IngestContext } from './ingest-batch';
import { retryWhileUnavailable } from './retry-while-unavailable';

export interface IngestFileOptions {
  readonly batchSize?: number;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Called after each batch with the running counts and bytes read, for progress display. */
  readonly onBatch?: (totals: IngestCounts, bytesRead: number) => void;
}

/**
 * Ingests an NDJSON file (one CloudEvent per line) through the same batch pipeline as Kafka. Dead
 * letters stay in the store's database; a line's origin is `file:line#hash`, so ingesting the same
 * file again records nothing twice.
 */
export async function ingestFile(path: string, ctx: Omit<IngestContext, 'source'>, options: IngestFileOptions): Promise<IngestCounts> {
  const batchSize = options.batchSize ?? 5000;
  const context: IngestContext = { ...ctx, source: 'file' };
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let totals = ZERO_COUNTS;
  let batch: IncomingMessage[] = [];
  let lineNo = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const messages = batch;
    batch = [];
    const result = await retryWhileUnavailable(() => ingestBatch(context, messages), {
      logger: options.logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    totals = addCounts(totals, result.counts);
    for (const letter of result.deadLetters) {
      options.logger.warn({ origin: letter.origin, reason: letter.reason, detail: letter.message }, 'dead letter');
    }
    options.logger.info({ file: path, lines: lineNo, ...result.counts, unparked: result.unparked }, 'batch ingested');
    options.onBatch?.(totals, input.bytesRead);
  };
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim().length === 0) continue;
    const hash = createHash('sha1').update(line).digest('hex').slice(0, 12);
    batch.push({ key: null, value: line, origin: `${path}:${lineNo}#${hash}` });
    if (batch.length >= batchSize) await flush();
    if (options.signal?.aborted) break;
  }
  await flush();
  return totals;
}
