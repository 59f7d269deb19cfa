import type { DossierSummary } from './dossier-counts';
import type { CountIncrement, Metric } from './metrics';
import type { CheckpointAdvance, ProjectionCheckpoint, ProjectionCommitTarget, ProjectionVersionRef } from './projection-store';

/** What one daily-counts batch writes: the view changes and the checkpoint, in one transaction. */
export interface DailyCountsBatch extends CheckpointAdvance {
  readonly dossiers: readonly DossierSummary[];
  readonly increments: readonly CountIncrement[];
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

/**
 * What a report reads of the live daily-counts version, all from one snapshot of the store: the
 * totals and open dossiers are those of `checkpoint` exactly, even while a runner commits or a
 * replay switches versions.
 */
export interface ReportSnapshot {
  /** Undefined before anything was projected. */
  readonly checkpoint: ProjectionCheckpoint | undefined;
  readonly totals: AgencyMetricTotal[];
  readonly open: AgencyOpenDossiers[];
}

/** What a report reads of several ranges of the live version at once (the pieces of a period the agency map changes in). */
export interface ReportSnapshots {
  /** Undefined before anything was projected. */
  readonly checkpoint: ProjectionCheckpoint | undefined;
  /** One per range asked, in that order. */
  readonly pieces: readonly { readonly range: DayRange; readonly totals: AgencyMetricTotal[]; readonly open: AgencyOpenDossiers[] }[];
}

/** Inclusive range of local calendar dates, YYYY-MM-DD. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** A dossier row of one version's view, as `dumpView` lists it. */
export interface ViewDossierRow {
  readonly dossierCode: string;
  readonly state: DossierSummary;
}

/** A count row of one version's view, as `dumpView` lists it. */
export interface ViewCountRow {
  readonly agencyCode: string;
  readonly day: string;
  readonly metric: Metric;
  readonly value: number;
}

/**
 * The daily-counts view port: per-dossier states and per-agency, per-day counts, kept per version of
 * the projection (ProjectionStore keeps the versions, checkpoints and leases). Writes name a
 * version; reports read the live version of `daily-counts`. An adapter's view store works on the
 * same store as that adapter's ProjectionStore, whose commit transaction it writes in.
 */
export interface DailyCountsStore {
  loadDossiers(version: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>>;
  /**
   * Applies the batch to the version's rows and moves its checkpoint, in one transaction (the
   * ProjectionStore's commit, with these rows). Throws ProjectionVersionRetiredError for a retired
   * version and ProjectionLeaseLostError when `owner` is given and does not hold the lease; nothing
   * is written then.
   */
  commit(target: ProjectionCommitTarget, batch: DailyCountsBatch): Promise<void>;
  /** Deletes the view rows of retired versions (their version records stay); returns the rows deleted. */
  deleteRetired(): Promise<number>;
  /** Sums of each agency's event counters (METRICS, not the OPEN_METRICS) over the days of the range, from the live daily-counts version. */
  totals(range: DayRange): Promise<AgencyMetricTotal[]>;
  /**
   * Per agency with a dossier in the live version (refused ones aside), in agency-code order: dossiers
   * open when the range starts, and open when it ends (not yet due, or overdue). Computed from the
   * OPEN_METRICS counters the batches' increments carry (openDossiersFromSums), not from the dossier rows.
   */
  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]>;
  /** The live daily-counts version's checkpoint, totals and open dossiers for the range, read in one snapshot (one read transaction). */
  readReportSnapshot(range: DayRange): Promise<ReportSnapshot>;
  /** As readReportSnapshot, for several ranges in the same snapshot: every piece reflects the one checkpoint. */
  readReportSnapshots(ranges: readonly DayRange[]): Promise<ReportSnapshots>;
  /** Every row of one version, counts by (day, agency, metric) and dossiers by code: for comparing views. */
  dumpView(version: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }>;
}
