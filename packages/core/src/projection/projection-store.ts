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

/**
 * Dossiers open at a period's edges. Carried over: received before `from` and not closed before it.
 * In progress at the end: received by `to` and not closed by it; overdue when its due date in force
 * is before `to`. (The due date is the dossier's latest: a supplement after `to` that moved it is
 * already reflected.)
 */
export interface AgencyOpenDossiers {
  readonly agencyCode: string;
  readonly carriedOver: number;
  readonly notDue: number;
  readonly overdue: number;
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
  /** Per agency, from the dossier view: dossiers open when the range starts, and open when it ends (not yet due, or overdue). */
  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]>;
  close(): Promise<void>;
}
