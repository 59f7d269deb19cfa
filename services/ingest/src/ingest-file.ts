import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { ingestBatch, type Rejection } from './ingest-batch';
import { IngestTotals } from './ingest-totals';

export interface IngestFileOptions {
  readonly batchSize?: number;
  readonly logger: Logger;
  /** Called after each batch with bytes read so far, for progress display. */
  readonly onBatch?: (totals: IngestTotals, bytesRead: number) => void;
  readonly onRejected?: (rejection: Rejection) => void | Promise<void>;
}

/** Ingests an NDJSON file (one CloudEvent per line) through the same batch pipeline as Kafka. */
export async function ingestFile(path: string, store: EventStore, options: IngestFileOptions): Promise<IngestTotals> {
  const batchSize = options.batchSize ?? 5000;
  const totals = new IngestTotals();
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let batch: { value: string; origin: string }[] = [];
  let lineNo = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await ingestBatch(store, batch);
    totals.add(result);
    for (const r of result.rejected) {
      options.logger.warn({ origin: r.message.origin, reason: r.reason, detail: r.detail }, 'event rejected');
      await options.onRejected?.(r);
    }
    options.logger.info({ file: path, ...result, rejected: result.rejected.length, lines: lineNo }, 'batch ingested');
    batch = [];
    options.onBatch?.(totals, input.bytesRead);
  };
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim().length === 0) continue;
    batch.push({ value: line, origin: `${path}:${lineNo}` });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return totals;
}
