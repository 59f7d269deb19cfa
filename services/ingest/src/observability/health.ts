export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface HealthReport {
  /** down: the consumer is not running; degraded: it runs but the store is unreachable; ok otherwise. */
  readonly status: HealthStatus;
  readonly consumer: 'running' | 'stopped';
  /** `unknown` until the pipeline first reports on the store. */
  readonly store: 'reachable' | 'unreachable' | 'unknown';
  /** ISO 8601 time of the last batch processed, or null before the first one. */
  readonly lastBatchAt: string | null;
  readonly uptimeSeconds: number;
}

export interface HealthStateOptions {
  /** Clock, for tests; the uptime counts from the state's creation. */
  readonly now?: () => Date;
}

/** The ingest service's health, kept up to date by the pipeline and read by the health endpoint. */
export class HealthState {
  private readonly now: () => Date;
  private readonly startedAt: number;
  private running = false;
  private reachable: boolean | undefined;
  private lastBatch: Date | undefined;

  constructor(options: HealthStateOptions = {}) {
    this.now = options.now ?? ((): Date => new Date());
    this.startedAt = this.now().getTime();
  }

  consumerRunning(running: boolean): void {
    this.running = running;
  }

  storeReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  lastBatchAt(at: Date): void {
    this.lastBatch = new Date(at.getTime());
  }

  report(): HealthReport {
    const status: HealthStatus = !this.running ? 'down' : this.reachable === false ? 'degraded' : 'ok';
    return {
      status,
      consumer: this.running ? 'running' : 'stopped',
      store: this.reachable === undefined ? 'unknown' : this.reachable ? 'reachable' : 'unreachable',
      lastBatchAt: this.lastBatch?.toISOString() ?? null,
      uptimeSeconds: Math.max(0, Math.round(this.now().getTime() - this.startedAt) / 1000),
    };
  }
}
