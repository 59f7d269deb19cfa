import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What one processed batch did; every count is a whole number of messages. */
export interface BatchMetrics {
  readonly consumed: number;
  readonly appended: number;
  readonly duplicates: number;
  /** One entry per dead-lettered message; `reason` is a bounded reason code (it becomes a label). */
  readonly deadLetters: readonly { readonly reason: string }[];
  readonly parked: number;
  /** Wall-clock time the batch took, from fetch to durable append. */
  readonly seconds: number;
}

/** Batch latency: 5 ms for a small batch on SQLite up to 30 s for a large one behind a slow store. */
export const BATCH_SECONDS_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Messages per batch (kafkajs hands over up to a few thousand at a time). */
export const BATCH_SIZE_BUCKETS: readonly number[] = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/**
 * The ingest service's Prometheus metrics, on a registry of its own (not prom-client's global one),
 * so that tests and several instances in one process never share or clash over values.
 */
export class IngestMetrics {
  readonly registry: Registry = new Registry();

  private readonly consumed: Counter;
  private readonly appended: Counter;
  private readonly duplicates: Counter;
  private readonly deadLetters: Counter<'reason'>;
  private readonly parked: Counter;
  private readonly lag: Gauge<'topic' | 'partition'>;
  private readonly batchSeconds: Histogram;
  private readonly batchSize: Histogram;
  private readonly storeUpGauge: Gauge;
  private readonly storeRetries: Counter;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'tthc_' });

    this.consumed = new Counter({ name: 'tthc_ingest_consumed_total', help: 'Messages taken from the events topic (or file).', registers });
    this.appended = new Counter({ name: 'tthc_ingest_appended_total', help: 'Events appended to the event store.', registers });
    this.duplicates = new Counter({
      name: 'tthc_ingest_duplicates_total',
      help: 'Redelivered events recognised as already stored (no-ops).',
      registers,
    });
    this.deadLetters = new Counter({
      name: 'tthc_ingest_dead_letters_total',
      help: 'Messages refused and sent to the dead-letter topic, by reason code.',
      labelNames: ['reason'],
      registers,
    });
    this.parked = new Counter({
      name: 'tthc_ingest_parked_total',
      help: 'Messages parked for a retry because a later event may cure their lifecycle violation.',
      registers,
    });
    this.lag = new Gauge({
      name: 'tthc_ingest_consumer_lag',
      help: "Messages between the group's committed offset and the partition's high watermark.",
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'tthc_ingest_batch_seconds',
      help: 'Time to process one batch, from fetch to durable append.',
      buckets: [...BATCH_SECONDS_BUCKETS],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'tthc_ingest_batch_size',
      help: 'Messages per batch.',
      buckets: [...BATCH_SIZE_BUCKETS],
      registers,
    });
    this.storeUpGauge = new Gauge({ name: 'tthc_ingest_store_up', help: 'Whether the event store is reachable (1) or not (0).', registers });
    this.storeRetries = new Counter({
      name: 'tthc_ingest_store_retries_total',
      help: 'Retries of a store operation after the store was unreachable.',
      registers,
    });
  }

  /** Counts one batch. Every argument is checked first, so a bad one changes nothing. */
  recordBatch(batch: BatchMetrics): void {
    assertCount('consumed', batch.consumed);
    assertCount('appended', batch.appended);
    assertCount('duplicates', batch.duplicates);
    assertCount('parked', batch.parked);
    if (!Number.isFinite(batch.seconds) || batch.seconds < 0) {
      throw new RangeError(`seconds must be a non-negative number, got ${batch.seconds}`);
    }
    const byReason = new Map<string, number>();
    for (const { reason } of batch.deadLetters) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);

    this.consumed.inc(batch.consumed);
    this.appended.inc(batch.appended);
    this.duplicates.inc(batch.duplicates);
    this.parked.inc(batch.parked);
    for (const [reason, count] of byReason) this.deadLetters.inc({ reason }, count);
    this.batchSeconds.observe(batch.seconds);
    this.batchSize.observe(batch.consumed);
  }

  /** Consumer lag of one partition: high watermark minus committed offset. */
  setLag(topic: string, partition: number, lag: number): void {
    assertCount('partition', partition);
    if (!Number.isFinite(lag) || lag < 0) throw new RangeError(`lag must be a non-negative number, got ${lag}`);
    this.lag.set({ topic, partition: String(partition) }, lag);
  }

  /**
   * Forgets the lag of a partition this instance no longer owns (after a rebalance), so that it does
   * not keep reporting a stale value; with no argument, forgets every partition's.
   */
  clearLag(target?: { readonly topic: string; readonly partition: number }): void {
    if (target === undefined) this.lag.reset();
    else this.lag.remove({ topic: target.topic, partition: String(target.partition) });
  }

  storeUp(up: boolean): void {
    this.storeUpGauge.set(up ? 1 : 0);
  }

  storeRetry(): void {
    this.storeRetries.inc();
  }

  /** The Prometheus text exposition of every metric on this instance's registry. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
