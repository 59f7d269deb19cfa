import { Partitioners, type Admin, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';
import {
  addCounts,
  addRecordCounts,
  ZERO_COUNTS,
  ZERO_RECORD_COUNTS,
  type AgencyRegistry,
  traceOfMessage,
  type IngestCounts,
  type NewDeadLetter,
  type RecordCounts,
} from '@tthc/core';
import { CLIENT_IDS, createKafka, DEAD_LETTER_HEADERS, ensureKafkaReachable, IDEMPOTENT_PRODUCER_RETRY, type KafkaSecurity } from '@tthc/kafka';
import type { Logger } from '@tthc/logging';
import { retryingWith, sleep, StoppedWhileUnavailableError } from '@tthc/retry';
import { INGEST_DEFAULTS } from './defaults';
import { followRegistryTopic } from './follow-registry-topic';
import { DossierCache } from './dossier-cache';
import { NoRegistryError } from './ingest-file';
import { ingestBatch, type BatchResult, type IngestContext } from './ingest-batch';
import { ingestSyncBatch, type SyncDoor } from './sync-door';
import type { HealthState, IngestMetrics } from './observability';

export interface ConsumeKafkaOptions {
  readonly brokers: readonly string[];
  /** TLS and SASL to the brokers; plaintext when left out. */
  readonly security?: KafkaSecurity | undefined;
  readonly topic: string;
  readonly deadLetterTopic?: string;
  /** The compacted topic of agency registry versions, read to its end before the first batch and followed after. */
  readonly registryTopic?: string;
  readonly groupId: string;
  readonly logger: Logger;
  /** Stop once the group has committed up to every partition's end and nothing arrived for this long. */
  readonly untilIdleMs?: number;
  readonly onBatch?: (totals: IngestCounts) => void;
  /** Aborted when the caller wants the consumer to stop (SIGTERM): the batch in hand finishes first. */
  readonly signal?: AbortSignal;
  readonly metrics?: IngestMetrics;
  readonly health?: HealthState;
  /**
   * How long the group waits for a silent member before it gives its partitions to another, and
   * how often a member says it is alive (INGEST_DEFAULTS). A shorter timeout costs more heartbeats,
   * and a member stuck longer than it in one batch is taken out of the group; batches heartbeat while they wait.
   */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** The most bytes one fetch takes from a partition: the size of a batch (INGEST_DEFAULTS). */
  readonly fetchBytesPerPartition?: number;
  /** The topic holds DVCQG sync records, read into events (`tthc ingest --format dvcqg`); CloudEvents when absent. */
  readonly door?: SyncDoor;
  /** With `door`: called after each batch with the running record counts. */
  readonly onRecords?: (totals: RecordCounts) => void;
}

const DISCONNECT_BOUND_MS = 10_000;

/** Set only by the fault harness (`pnpm chaos`): holds each batch between the store's commit and the offsets' commit. */
const FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS = Number(process.env.TTHC_FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS ?? '0') || 0;

/** The promise, or a rejection once `ms` have passed without it settling. */
function withinBound<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The dead-letter message: the original key, what the letter keeps of the value and the headers (a
 * binary event's attributes among them), and headers naming the reason and where it came from.
 */
function deadLetterMessage(letter: NewDeadLetter, topic: string, partition: number, offset: string) {
  return {
    key: letter.key,
    value: Buffer.from(letter.value),
    headers: {
      ...(letter.headers as Record<string, string | string[]> | undefined),
      [DEAD_LETTER_HEADERS.reason]: letter.reason,
      [DEAD_LETTER_HEADERS.message]: letter.message,
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: offset,
    },
  };
}

/**
 * Consumes the events topic as a consumer group. Each fetched batch goes through `ingestBatch` (one
 * store transaction for its events), its dead letters go to the dead-letter topic, and only then are
 * its offsets committed: a crash anywhere before that redelivers the batch, and the store's
 * idempotency and the letters' origins absorb it. While the store is down the batch waits and
 * retries; no offset moves.
 */
export async function consumeKafka(
  ctx: Omit<IngestContext, 'source' | 'registry'> & { readonly registry: AgencyRegistry | undefined },
  options: ConsumeKafkaOptions,
): Promise<IngestCounts> {
  const { logger, topic, groupId } = options;
  const dlqTopic = options.deadLetterTopic ?? INGEST_DEFAULTS.deadLetterTopic;
  const registryTopic = options.registryTopic ?? INGEST_DEFAULTS.registryTopic;
  // A wrong address or a stopped broker at the start is said in seconds; later outages are waited out.
  await ensureKafkaReachable(options.brokers, { security: options.security });
  const kafka = createKafka({ brokers: options.brokers, security: options.security, clientId: CLIENT_IDS.ingest, logger });
  let registry = ctx.registry;
  // The dossiers of this member's batches; a partition that moves here from another member brings
  // dossiers it never saw, and a stale one fails its append's expected revision and is read again.
  const cache = ctx.cache ?? new DossierCache();
  const follower = await followRegistryTopic(kafka, {
    topic: registryTopic,
    ingestStore: ctx.ingestStore,
    logger: logger.child({ topic: registryTopic }),
    onRegistry: (r) => (registry = r),
  });
  if (!registry) {
    await follower.stop();
    throw new NoRegistryError(
      `no agency registry to check events against: the store has none and topic ${registryTopic} holds none; publish one there or run \`tthc registry import FILE\``,
    );
  }
  // Once stopping, a consumer that crashed (a broker gone) must not restart itself behind our back.
  let stopping = false;
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? INGEST_DEFAULTS.sessionTimeoutMs,
    heartbeatInterval: options.heartbeatIntervalMs ?? INGEST_DEFAULTS.heartbeatIntervalMs,
    maxBytesPerPartition: options.fetchBytesPerPartition ?? INGEST_DEFAULTS.fetchBytesPerPartition,
    retry: { retries: 8, initialRetryTime: 200, restartOnFailure: () => Promise.resolve(!stopping) },
  });
  consumer.on(consumer.events.FETCH, () => options.health?.fetched(new Date()));
  // Whether the broker answers is the probe's to say; a crash may have other causes.
  consumer.on(consumer.events.CRASH, ({ payload }) => logger.warn({ err: payload.error, restart: payload.restart }, 'consumer crashed'));
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: IDEMPOTENT_PRODUCER_RETRY,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const admin: Admin = kafka.admin();
  let totals = ZERO_COUNTS;
  let recordTotals = ZERO_RECORD_COUNTS;
  let lastActivity = Date.now();
  // The batches being processed: a stop waits for them to commit before the group is left.
  const inFlight = new Set<Promise<void>>();

  try {
    await Promise.all([consumer.connect(), producer.connect(), admin.connect()]);
  } catch (error) {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect(), follower.stop()]);
    throw error;
  }
  options.health?.consumerRunning(true);
  // Every 5 s: the lag per partition, and whether the broker answers at all (for /health). The probe
  // does not retry, so that an outage shows within seconds rather than after the clients' retries.
  const probe = createKafka({ brokers: options.brokers, security: options.security, clientId: 'tthc-ingest-probe', logger, retries: 0 }).admin();
  const lagTimer = setInterval(() => {
    void reportLag(admin, groupId, topic, options).catch(() => undefined);
    void probe
      .connect()
      .then(() => probe.describeCluster())
      .then(
        () => options.health?.brokerReachable(true),
        () => options.health?.brokerReachable(false),
      );
  }, 5000);
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: INGEST_DEFAULTS.partitionsConcurrently,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const last = batch.messages[batch.messages.length - 1];
        // After a stop is asked for, fetched batches are left for the next member of the group.
        if (!last || payload.isStale() || options.signal?.aborted) return;
        let done!: () => void;
        const processing = new Promise<void>((resolve) => (done = resolve));
        inFlight.add(processing);
        try {
          await processBatch(payload, last);
        } finally {
          done();
          inFlight.delete(processing);
        }
      },
    });
    await waitUntilStopped(
      options,
      () => lastActivity,
      () => caughtUp(admin, groupId, topic),
    );
  } finally {
    stopping = true;
    clearInterval(lagTimer);
    options.health?.consumerRunning(false);
    await Promise.all(inFlight);
    // Every client is closed on every path, each within a bound: a broker that went away can make
    // a disconnect wait for requests that will never be answered.
    const closed = await Promise.allSettled(
      [consumer.disconnect(), producer.disconnect(), admin.disconnect(), probe.disconnect(), follower.stop()].map((p) => withinBound(p, DISCONNECT_BOUND_MS)),
    );
    for (const r of closed) if (r.status === 'rejected') logger.warn({ err: r.reason as unknown }, 'a Kafka client did not close cleanly');
  }
  return totals;

  async function processBatch(payload: EachBatchPayload, last: KafkaMessage): Promise<void> {
    const { batch } = payload;
    const started = process.hrtime.bigint();
    const messages = batch.messages.map((m) => ({
      key: m.key?.toString() ?? null,
      value: m.value,
      headers: m.headers,
      origin: `${batch.topic}/${batch.partition}@${m.offset}`,
    }));
    const log = logger.child({ partition: batch.partition, firstOffset: batch.firstOffset(), lastOffset: last.offset });
    if (!registry) throw new NoRegistryError('no agency registry'); // set before consuming starts
    const retry = retryingWith({
      logger: log,
      ...(options.signal ? { signal: options.signal } : {}),
      onWait: () => payload.heartbeat(),
      onUnavailable: () => {
        options.metrics?.storeUp(false);
        options.metrics?.storeRetry();
        options.health?.storeReachable(false);
      },
      onRecovered: () => {
        options.metrics?.storeUp(true);
        options.health?.storeReachable(true);
      },
    });
    const context: IngestContext = { ...ctx, registry, source: `kafka:${topic}`, cache, retry };
    let result: BatchResult;
    let recordOrigins: ReadonlyMap<string, string> = new Map();
    try {
      if (options.door) {
        const synced = await ingestSyncBatch(context, messages, options.door);
        result = synced;
        recordOrigins = synced.recordOrigins;
        recordTotals = addRecordCounts(recordTotals, synced.records);
        options.onRecords?.(recordTotals);
      } else result = await ingestBatch(context, messages);
    } catch (error) {
      // Stopping while the store is down: leave the batch uncommitted for the next consumer.
      if (error instanceof StoppedWhileUnavailableError) return;
      throw error;
    }
    if (result.deadLetters.length > 0) {
      const offsets = new Map(messages.map((m, i) => [m.origin, batch.messages[i]?.offset ?? '']));
      await producer.send({
        topic: dlqTopic,
        acks: -1,
        // An event read from a sync record is sent with its record's offset.
        messages: result.deadLetters.map((l) =>
          deadLetterMessage(l, batch.topic, batch.partition, offsets.get(recordOrigins.get(l.origin) ?? l.origin) ?? l.origin),
        ),
      });
    }
    // The batch's offsets are accounted for once it is settled in the store, before Kafka hears of it:
    // a crash between the two redelivers the batch, and the span only widens.
    try {
      await retry(() =>
        ctx.ingestStore.recordOffsets(context.source, batch.partition, BigInt(batch.messages[0]?.offset ?? last.offset), BigInt(last.offset) + 1n),
      );
    } catch (error) {
      // Stopping while the store is down: the batch is stored, Kafka redelivers it to the next consumer as duplicates.
      if (error instanceof StoppedWhileUnavailableError) return;
      throw error;
    }
    if (FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS > 0) {
      // For the fault harness only: a window in which a kill lands after the store's commit and before the offsets'.
      log.warn({ pauseMs: FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS }, 'fault window: batch stored, offsets not yet committed');
      await sleep(FAULT_PAUSE_BEFORE_OFFSET_COMMIT_MS);
    }
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
    payload.resolveOffset(last.offset);
    await payload.heartbeat();
    totals = addCounts(totals, result.counts);
    lastActivity = Date.now();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    options.metrics?.recordBatch({ ...result.counts, deadLetters: result.deadLetters, seconds });
    options.metrics?.storeUp(true);
    options.health?.storeReachable(true);
    options.health?.lastBatchAt(new Date());
    // The sender's trace, when the message carried one, ties the line to the send.
    for (const l of result.deadLetters)
      log.warn({ origin: l.origin, reason: l.reason, detail: l.message, ...traceOfMessage(l.value, l.headers) }, 'dead letter');
    log.info({ ...result.counts, unparked: result.unparked, seconds }, 'batch ingested');
    options.onBatch?.(totals);
  }
}

async function partitionLag(admin: Admin, groupId: string, topic: string): Promise<{ partition: number; lag: bigint }[]> {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  return ends.map((end) => {
    const high = BigInt(end.high);
    const at = done.get(end.partition) ?? -1n;
    return { partition: end.partition, lag: at < 0n ? high - BigInt(end.low) : high - at };
  });
}

async function reportLag(admin: Admin, groupId: string, topic: string, options: ConsumeKafkaOptions): Promise<void> {
  const lags = await partitionLag(admin, groupId, topic);
  for (const { partition, lag } of lags) options.metrics?.setLag(topic, partition, Number(lag));
}

async function caughtUp(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  return (await partitionLag(admin, groupId, topic)).every((p) => p.lag <= 0n);
}

async function waitUntilStopped(options: ConsumeKafkaOptions, lastActivity: () => number, isCaughtUp: () => Promise<boolean>): Promise<void> {
  const { signal } = options;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  if (options.untilIdleMs === undefined) return aborted;
  const idleMs = options.untilIdleMs;
  while (!signal?.aborted) {
    await sleep(Math.min(500, idleMs), signal);
    // A broker that cannot answer now is not an end: it is waited for, like the store.
    if (Date.now() - lastActivity() >= idleMs && (await isCaughtUp().catch(() => false))) return;
  }
}
