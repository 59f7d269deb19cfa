import { statSync } from 'node:fs';
import { consumeKafka, ingestFile, type IngestTotals } from '@tthc/ingest';
import type { Logger } from '@tthc/logging';
import type { Stores } from '@tthc/stores';
import { stopSignal, withStores, type Output } from '../context';
import { ingestOptions, parseOptions } from '../options';
import { createProgress } from '../progress';

export async function ingestFromFile(stores: Stores, logger: Logger, file: string, batchSize: number): Promise<IngestTotals> {
  const size = statSync(file).size;
  const progress = createProgress('ingest', 'bytes');
  try {
    return await ingestFile(file, stores.eventStore, { batchSize, logger, onBatch: (_t, bytes) => progress.update(bytes, size) });
  } finally {
    progress.stop();
  }
}

export async function ingestCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(ingestOptions, raw);
  const totals = await withStores(options, async (stores, logger) => {
    if (options.file !== undefined) return ingestFromFile(stores, logger, options.file, options.batchSize);
    const progress = createProgress('ingest', 'events');
    try {
      return await consumeKafka(stores.eventStore, {
        brokers: options.brokers ?? [],
        topic: options.topic,
        groupId: options.group,
        logger,
        ...(options.untilIdle ? { untilIdleMs: options.idleMs } : {}),
        signal: stopSignal(),
        onBatch: (t) => progress.update(t.consumed),
      });
    } finally {
      progress.stop();
    }
  });
  await out.write(`${JSON.stringify({ ingest: totals.toJSON() })}\n`);
}
