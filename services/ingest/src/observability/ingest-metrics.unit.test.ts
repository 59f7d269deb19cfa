import { IngestMetrics } from './ingest-metrics';
import { parseSamples, sampleValue } from './prometheus-text.test';

const batch = { consumed: 0, appended: 0, duplicates: 0, deadLetters: [], parked: 0, seconds: 0.01 };

describe('IngestMetrics', () => {
  it('counts batches: totals, dead letters by reason, latency and size histograms', async () => {
    const metrics = new IngestMetrics();
    metrics.recordBatch({
      consumed: 10,
      appended: 6,
      duplicates: 1,
      deadLetters: [{ reason: 'invalid' }, { reason: 'unknown-agency' }, { reason: 'invalid' }],
      parked: 0,
      seconds: 0.02,
    });
    metrics.recordBatch({ ...batch, consumed: 4, appended: 2, parked: 1, deadLetters: [{ reason: 'unauthorised-source' }], seconds: 3 });
    const text = await metrics.metrics();

    expect(sampleValue(text, 'tthc_ingest_consumed_total')).toBe(14);
    expect(sampleValue(text, 'tthc_ingest_appended_total')).toBe(8);
    expect(sampleValue(text, 'tthc_ingest_duplicates_total')).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_parked_total')).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_dead_letters_total', { reason: 'invalid' })).toBe(2);
    expect(sampleValue(text, 'tthc_ingest_dead_letters_total', { reason: 'unknown-agency' })).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_dead_letters_total', { reason: 'unauthorised-source' })).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_count')).toBe(2);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_sum')).toBeCloseTo(3.02);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_bucket', { le: '0.005' })).toBe(0);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_bucket', { le: '0.025' })).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_bucket', { le: '30' })).toBe(2);
    expect(sampleValue(text, 'tthc_ingest_batch_size_sum')).toBe(14);
    expect(sampleValue(text, 'tthc_ingest_batch_size_bucket', { le: '5' })).toBe(1);
  });

  it('refuses a bad batch without counting any part of it', async () => {
    const metrics = new IngestMetrics();
    expect(() => metrics.recordBatch({ ...batch, consumed: 3, appended: -1 })).toThrow(RangeError);
    expect(() => metrics.recordBatch({ ...batch, consumed: 1.5 })).toThrow(RangeError);
    expect(() => metrics.recordBatch({ ...batch, consumed: 1, seconds: Number.NaN })).toThrow(RangeError);
    const text = await metrics.metrics();
    expect(sampleValue(text, 'tthc_ingest_consumed_total')).toBe(0);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_count')).toBe(0);
  });

  it('sets lag per topic and partition, and forgets a revoked partition', async () => {
    const metrics = new IngestMetrics();
    metrics.setLag('tthc.dossier-events.v1', 0, 120);
    metrics.setLag('tthc.dossier-events.v1', 1, 7);
    metrics.setLag('tthc.dossier-events.v1', 0, 40);
    let text = await metrics.metrics();
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { topic: 'tthc.dossier-events.v1', partition: '0' })).toBe(40);
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { topic: 'tthc.dossier-events.v1', partition: '1' })).toBe(7);

    metrics.clearLag({ topic: 'tthc.dossier-events.v1', partition: 1 });
    text = await metrics.metrics();
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { partition: '1' })).toBeUndefined();
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { partition: '0' })).toBe(40);
    expect(() => metrics.setLag('t', 0, -1)).toThrow(RangeError);
  });

  it('tracks the store: up or down, and retries', async () => {
    const metrics = new IngestMetrics();
    metrics.storeUp(true);
    expect(sampleValue(await metrics.metrics(), 'tthc_ingest_store_up')).toBe(1);
    metrics.storeUp(false);
    metrics.storeRetry();
    metrics.storeRetry();
    const text = await metrics.metrics();
    expect(sampleValue(text, 'tthc_ingest_store_up')).toBe(0);
    expect(sampleValue(text, 'tthc_ingest_store_retries_total')).toBe(2);
  });

  it('registers the default process metrics with the tthc_ prefix', async () => {
    const names = new Set(parseSamples(await new IngestMetrics().metrics()).map((sample) => sample.name));
    expect(names).toContain('tthc_process_cpu_user_seconds_total');
    expect(names).toContain('tthc_nodejs_heap_size_used_bytes');
    expect([...names].filter((name) => !name.startsWith('tthc_'))).toEqual([]);
  });

  it('keeps two instances apart: each has its own registry and values', async () => {
    const first = new IngestMetrics();
    const second = new IngestMetrics();
    first.recordBatch({ ...batch, consumed: 5, appended: 5 });
    first.setLag('t', 0, 9);
    second.recordBatch({ ...batch, consumed: 2, duplicates: 2 });

    const a = await first.metrics();
    const b = await second.metrics();
    expect(sampleValue(a, 'tthc_ingest_consumed_total')).toBe(5);
    expect(sampleValue(b, 'tthc_ingest_consumed_total')).toBe(2);
    expect(sampleValue(a, 'tthc_ingest_duplicates_total')).toBe(0);
    expect(sampleValue(b, 'tthc_ingest_appended_total')).toBe(0);
    expect(sampleValue(b, 'tthc_ingest_consumer_lag', { topic: 't' })).toBeUndefined();
    expect(first.registry).not.toBe(second.registry);
    expect(first.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
