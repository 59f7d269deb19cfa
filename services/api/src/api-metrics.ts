import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Stores } from '@tthc/stores';
import { ingestConservation, projectionsStatus } from './pipeline-status';

const OUTCOMES = ['consumed', 'appended', 'duplicates', 'deadLettered', 'parked'] as const;
const RECORD_COUNTS = ['records', 'translated', 'refused', 'events'] as const;

export interface ApiMetrics {
  readonly registry: Registry;
  /**
   * The exposition of a scrape: the pipeline's gauges read from the store first, then every metric.
   * (A gauge's own collect would run beside the others' reads, so a scrape would show the one before.)
   */
  scrape(): Promise<string>;
  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/**
 * Prometheus metrics of the server (requests by route and status, their latency, the process) and of
 * the pipeline as the store shows it at each scrape: every projection's lag, checkpoint, rate and
 * rebuild progress, ingest's conservation counts and the letters by reason. A scraper of this one
 * endpoint sees the projector's state as well as the server's, wherever the projector runs.
 */
export function createApiMetrics(stores: Stores): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tthc_api_' });
  const requests = new Counter({
    name: 'tthc_api_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tthc_api_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });

  const gauge = (name: string, help: string, labelNames: readonly string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const lagEvents = gauge('tthc_projection_lag_events', "Events in the log after the live version's checkpoint", ['projection']);
  const lagSeconds = gauge('tthc_projection_lag_seconds', 'How long the oldest unread event has been in the log', ['projection']);
  const checkpoint = gauge('tthc_projection_checkpoint_events', 'Events the live version has read from the start of the log', ['projection']);
  const rate = gauge('tthc_projection_rate_events_per_second', "The live version's recent rate, as its runner measured it", ['projection']);
  const live = gauge('tthc_projection_live_version', 'The live version number', ['projection']);
  const rebuild = gauge('tthc_projection_rebuild_ratio', 'Share of the log a version being built has read (0 to 1); absent when none is', [
    'projection',
    'version',
  ]);
  const ingest = gauge('tthc_ingest_messages', 'Messages ingest has consumed and what became of them, per source', ['source', 'outcome']);
  const letters = gauge('tthc_ingest_letters', 'Letters by status and reason', ['status', 'reason']);
  const records = gauge(
    'tthc_ingest_records',
    'Records a record door (the DVCQG sync door) has read, per source: records, translated, refused, and the events they stated',
    ['source', 'count'],
  );

  const scrapeOk = gauge('tthc_api_pipeline_scrape_ok', "1 when the last scrape read the pipeline's state from the store, 0 when the store did not answer", []);
  // Read from the store when scraped, once for all the gauges above.
  const readPipeline = async (): Promise<void> => {
    try {
      const [projections, conservation, letterCounts] = await Promise.all([
        projectionsStatus(stores),
        ingestConservation(stores),
        stores.ingestStore.countLetters(),
      ]);
      rebuild.reset();
      for (const [name, p] of Object.entries(projections)) {
        if (p === null) continue;
        lagEvents.set({ projection: name }, p.lag.events);
        lagSeconds.set({ projection: name }, p.lag.seconds);
        checkpoint.set({ projection: name }, p.events);
        if (p.rate !== null) rate.set({ projection: name }, p.rate);
        if (p.version !== null) live.set({ projection: name }, p.version);
        if (p.building) rebuild.set({ projection: name, version: String(p.building.version) }, p.building.percent / 100);
      }
      ingest.reset();
      for (const [source, c] of Object.entries(conservation.sources)) for (const outcome of OUTCOMES) ingest.set({ source, outcome }, c[outcome]);
      records.reset();
      for (const [source, r] of Object.entries(conservation.records)) for (const count of RECORD_COUNTS) records.set({ source, count }, r[count]);
      letters.reset();
      for (const l of letterCounts) letters.set({ status: l.status, reason: l.reason }, l.count);
      scrapeOk.set(1);
    } catch {
      scrapeOk.set(0);
    }
  };

  return {
    registry,
    async scrape() {
      await readPipeline();
      return registry.metrics();
    },
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ route }, seconds);
    },
  };
}
