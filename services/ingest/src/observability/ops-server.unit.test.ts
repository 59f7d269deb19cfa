import { Writable } from 'node:stream';
import { createLogger } from '@tthc/logging';
import { HealthState } from './health';
import { IngestMetrics } from './ingest-metrics';
import { startOpsServer, type OpsServer } from './ops-server';
import { sampleValue } from './prometheus-text.test';

interface Harness {
  readonly server: OpsServer;
  readonly metrics: IngestMetrics;
  readonly health: HealthState;
  readonly logLines: string[];
  readonly url: (path: string) => string;
}

const open: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function start(): Promise<Harness> {
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback): void {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const metrics = new IngestMetrics();
  const health = new HealthState();
  const server = await startOpsServer({ port: 0, metrics, health, logger: createLogger({ level: 'info', destination }) });
  open.push(server);
  return { server, metrics, health, logLines, url: (path) => `http://127.0.0.1:${server.port}${path}` };
}

describe('ops server', () => {
  it('binds a free port for port 0 and logs its start at info', async () => {
    const { server, logLines } = await start();
    expect(server.port).toBeGreaterThan(0);
    const started = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.port === server.port);
    expect(started).toMatchObject({ level: 'info', host: '127.0.0.1', component: 'ops-server' });
  });

  it('serves the counters on GET /metrics after recordBatch, dead letters by reason', async () => {
    const { metrics, url } = await start();
    metrics.recordBatch({
      consumed: 12,
      appended: 8,
      duplicates: 2,
      deadLetters: [{ reason: 'invalid' }, { reason: 'unauthorised-source' }],
      parked: 1,
      seconds: 0.12,
    });
    metrics.storeUp(true);
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(metrics.contentType);
    const text = await response.text();
    expect(sampleValue(text, 'tthc_ingest_consumed_total')).toBe(12);
    expect(sampleValue(text, 'tthc_ingest_appended_total')).toBe(8);
    expect(sampleValue(text, 'tthc_ingest_duplicates_total')).toBe(2);
    expect(sampleValue(text, 'tthc_ingest_parked_total')).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_dead_letters_total', { reason: 'invalid' })).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_dead_letters_total', { reason: 'unauthorised-source' })).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_batch_seconds_count')).toBe(1);
    expect(sampleValue(text, 'tthc_ingest_store_up')).toBe(1);
    expect(text).toContain('# TYPE tthc_ingest_consumed_total counter');
  });

  it('serves the consumer lag per topic and partition', async () => {
    const { metrics, url } = await start();
    metrics.setLag('tthc.dossier-events.v1', 0, 250);
    metrics.setLag('tthc.dossier-events.v1', 3, 0);
    const text = await (await fetch(url('/metrics'))).text();
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { topic: 'tthc.dossier-events.v1', partition: '0' })).toBe(250);
    expect(sampleValue(text, 'tthc_ingest_consumer_lag', { topic: 'tthc.dossier-events.v1', partition: '3' })).toBe(0);
  });

  it('answers /health with 200 when ok, 200 when degraded, 503 when down', async () => {
    const { health, url } = await start();
    health.consumerRunning(true);
    health.storeReachable(true);
    let response = await fetch(url('/health'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ status: 'ok', consumer: 'running', store: 'reachable', lastBatchAt: null });

    health.storeReachable(false);
    response = await fetch(url('/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'degraded', store: 'unreachable' });

    health.consumerRunning(false);
    response = await fetch(url('/health'));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'down', consumer: 'stopped' });
  });

  it('answers 404 to an unknown path and 405 to another method on a known one', async () => {
    const { url } = await start();
    expect((await fetch(url('/'))).status).toBe(404);
    expect((await fetch(url('/metrics/extra'))).status).toBe(404);
    const post = await fetch(url('/metrics'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(url('/health?verbose=1'))).status).toBe(503);
  });

  it('keeps two servers with their own metrics apart', async () => {
    const one = await start();
    const two = await start();
    one.metrics.recordBatch({ consumed: 3, appended: 3, duplicates: 0, deadLetters: [], parked: 0, seconds: 0.01 });
    expect(one.server.port).not.toBe(two.server.port);
    expect(sampleValue(await (await fetch(one.url('/metrics'))).text(), 'tthc_ingest_consumed_total')).toBe(3);
    expect(sampleValue(await (await fetch(two.url('/metrics'))).text(), 'tthc_ingest_consumed_total')).toBe(0);
  });

  it('answers 500 and logs when the metrics cannot be collected', async () => {
    const logLines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback): void {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const server = await startOpsServer({
      port: 0,
      metrics: { contentType: 'text/plain', metrics: () => Promise.reject(new Error('collector broke')) },
      health: new HealthState(),
      logger: createLogger({ level: 'error', destination }),
    });
    open.push(server);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(500);
    expect(logLines.join('')).toContain('collector broke');
  });

  it('closes, even with a keep-alive connection open, and refuses requests afterwards', async () => {
    const { server, url } = await start();
    await (await fetch(url('/health'))).text();
    await server.close();
    await server.close();
    await expect(fetch(url('/health'))).rejects.toThrow();
  });

  it('rejects when the port is taken', async () => {
    const { server } = await start();
    await expect(
      startOpsServer({ port: server.port, metrics: new IngestMetrics(), health: new HealthState(), logger: createLogger({ level: 'silent' }) }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
