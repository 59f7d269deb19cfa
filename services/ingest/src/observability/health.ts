export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthReport {
  /**
   * down: the consumer is not running; degraded: it runs, but the store or the broker cannot be
   * reached, or it has not fetched for longer than the bound; ok otherwise.
   */
  readonly status: HealthStatus;
  readonly consumer: 'running' | 'stopped';
  /** `unknown` until the pipeline first reports on the store. */
  readonly store: 'reachable' | 'unreachable' | 'unknown';
  /** `unknown` until the first check of the broker (every 5 s while consuming). */
  readonly broker: 'reachable' | 'unreachable' | 'unknown';
  /** ISO 8601 time of the consumer's last fetch from the broker, or null before the first. */
  readonly lastFetchAt: string | null;
  /** True when the consumer runs and has not fetched for longer than the bound. */
  readonly fetchStale: boolean;
  /** ISO 8601 time of the last batch processed, or null before the first one. */
  readonly lastBatchAt: string | null;
  readonly uptimeSeconds: number;
}

export interface HealthStateOptions {
  /** Clock, for tests; the uptime counts from the state's creation. */
  readonly now?: () => Date;
  /**
   * A running consumer fetches at least every few seconds, even from an idle topic (kafkajs waits at
   * most 5 s a fetch); longer than this without one means it is stuck. Default 30 s.
   */
  readonly fetchStaleAfterMs?: number;
}

/** The ingest service's health, kept up to date by the pipeline and read by the health endpoint. */
export class HealthState {
  private readonly now: () => Date;
  private readonly startedAt: number;
  private readonly staleAfterMs: number;
  private running = false;
  private runningSince: number | undefined;
  private reachable: boolean | undefined;
  private brokerUp: boolean | undefined;
  private lastFetch: Date | undefined;
  private lastBatch: Date | undefined;

  constructor(options: HealthStateOptions = {}) {
    this.now = options.now ?? ((): Date => new Date());
    this.startedAt = this.now().getTime();
    this.staleAfterMs = options.fetchStaleAfterMs ?? 30_000;
  }

  consumerRunning(running: boolean): void {
    this.running = running;
    this.runningSince = running ? this.now().getTime() : undefined;
  }

  storeReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  brokerReachable(reachable: boolean): void {
    this.brokerUp = reachable;
  }

  fetched(at: Date): void {
    this.lastFetch = new Date(at.getTime());
  }

  lastBatchAt(at: Date): void {
    this.lastBatch = new Date(at.getTime());
  }

  report(): HealthReport {
    const now = this.now().getTime();
    // Before the first fetch, the time since the consumer started counts.
    const since = this.lastFetch?.getTime() ?? this.runningSince ?? now;
    const fetchStale = this.running && now - since > this.staleAfterMs;
    const status: HealthStatus = !this.running ? 'down' : this.reachable === false || this.brokerUp === false || fetchStale ? 'degraded' : 'ok';
    const word = (v: boolean | undefined) => (v === undefined ? 'unknown' : v ? 'reachable' : 'unreachable');
    return {
      status,
      consumer: this.running ? 'running' : 'stopped',
      store: word(this.reachable),
      broker: word(this.brokerUp),
      lastFetchAt: this.lastFetch?.toISOString() ?? null,
      fetchStale,
      lastBatchAt: this.lastBatch?.toISOString() ?? null,
      uptimeSeconds: Math.max(0, Math.round(now - this.startedAt) / 1000),
    };
  }
}
