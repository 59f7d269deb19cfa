import type { EventStore } from '@tthc/core';
import { createKafka } from '@tthc/kafka';
import type { Logger } from '@tthc/logging';
import { ingestBatch } from './ingest-batch';
import { IngestTotals } from './ingest-totals';

export interface ConsumeKafkaOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly logger: Logger;
  /** Stop once the group has committed up to every partition's end and nothing arrived for this long. */
  readonly untilIdleMs?: number;
  readonly onBatch?: (totals: IngestTotals) => void;
  /** Aborted when the caller wants the consumer to stop (SIGTERM): the batch in hand finishes first. */
  readonly signal?: AbortSignal;
}

/**
 * Consumes the events topic as a consumer group. Each fetched batch is validated and appended in one
 * store transaction; its offsets are committed only after that append returns, so a crash between
 * the two redelivers the batch and the store's idempotency absorbs it.
 */
export async function consumeKafka(store: EventStore, options: ConsumeKafkaOptions): Promise<IngestTotals> {
  const { logger, topic, groupId } = options;
  const kafka = createKafka({ brokers: options.brokers, clientId: 'tthc-ingest', logger });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  const admin = kafka.admin();
  const totals = new IngestTotals();
  let lastActivity = Date.now();

  await Promise.all([consumer.connect(), admin.connect()]);
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const last = batch.messages[batch.messages.length - 1];
        if (!last) return;
        const result = await ingestBatch(
          store,
          batch.messages.map((m) => ({ value: m.value, origin: `${batch.topic}/${batch.partition}@${m.offset}` })),
        );
        for (const r of result.rejected) {
          logger.warn({ origin: r.message.origin, reason: r.reason, detail: r.detail }, 'event rejected');
        }
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
        payload.resolveOffset(last.offset);
        await payload.heartbeat();
        totals.add(result);
        lastActivity = Date.now();
        logger.info(
          {
            partition: batch.partition,
            firstOffset: batch.firstOffset(),
            lastOffset: last.offset,
            consumed: result.consumed,
            appended: result.appended,
            duplicates: result.duplicates,
            rejected: result.rejected.length,
          },
          'batch ingested',
        );
        options.onBatch?.(totals);
      },
    });
    await waitUntilStopped(options, () => lastActivity, () => caughtUp(admin, groupId, topic));
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
  return totals;
}

async function caughtUp(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.every((end) => BigInt(end.high) === 0n || (done.get(end.partition) ?? -1n) >= BigInt(end.high));
}

async function waitUntilStopped(
  options: ConsumeKafkaOptions,
  lastActivity: () => number,
  isCaughtUp: () => Promise<boolean>,
): Promise<void> {
  const { signal } = options;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  if (options.untilIdleMs === undefined) return aborted;
  const idleMs = options.untilIdleMs;
  while (!signal?.aborted) {
    await Promise.race([aborted, new Promise((resolve) => setTimeout(resolve, Math.min(500, idleMs)))]);
    if (Date.now() - lastActivity() >= idleMs && (await isCaughtUp())) return;
  }
}
