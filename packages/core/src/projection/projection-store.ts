import type { LogPosition } from '../event-store/log-position';
import type { DossierSummary } from './dossier-counts';
import type { CountIncrement, Metric } from './metrics';

/** What one projection batch writes: the view changes and the checkpoint, in one transaction. */
export interface ProjectionBatch {
  readonly checkpoint: LogPosition;
  readonly dossiers: readonly DossierSummary[];
  readonly increments: readonly CountIncrement[];
  readonly events: number;
}

export interface ProjectionCheckpoint {
  readonly position: LogPosition;
  /** Events read by the projection so far, counted or skipped. */
  readonly events: number;
  readonly updatedAt: string;
}

export interface AgencyMetricTotal {
  readonly agencyCode: string;
  readonly metric: Metric;
  readonly value: number;
}

/** Inclusive range of local calendar dates, YYYY-MM-DD. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** The view store port: the daily-counts view, the dossier summaries it needs, and its checkpoint. */
export interface ProjectionStore {
  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined>;
  loadDossiers(codes: readonly string[]): Promise<Map<string, DossierSummary>>;
  /** Applies the batch and moves the checkpoint atomically. */
  commit(projection: string, batch: ProjectionBatch): Promise<void>;
  /** Sums of each agency's counters over the days of the range. */
  totals(range: DayRange): Promise<AgencyMetricTotal[]>;
  close(): Promise<void>;
}
