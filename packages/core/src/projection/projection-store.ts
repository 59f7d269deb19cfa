import type { LogPosition } from '../event-store/log-position';
import { TthcError } from '../errors';
import type { DossierSummary } from './dossier-counts';
import type { CountIncrement, Metric } from './metrics';

/** What one projection batch writes: the view changes and the checkpoint, in one transaction. */
export interface ProjectionBatch {
  readonly checkpoint: LogPosition;
  readonly dossiers: readonly DossierSummary[];
  readonly increments: readonly CountIncrement[];
  readonly events: number;
  /** Events per second over the runner's recent batches, kept with the version for `tthc status`. */
  readonly rate?: number;
}

export interface ProjectionCheckpoint {
  readonly position: LogPosition;
  /** Events read by the projection so far, counted or skipped. */
  readonly events: number;
  readonly updatedAt: string;
}

/**
 * live: what reports read (one per projection); building: being projected from the start of the
 * log by a replay, invisible to reports (at most one per projection); retired: replaced by a newer
 * version, its view rows deleted or about to be.
 */
export type ProjectionVersionStatus = 'live' | 'building' | 'retired';

/**
 * One version of a projection's view. Version numbers are unique across projections and never
 * reused, so a view row's version names its projection too.
 */
export interface ProjectionVersionRef {
  readonly projection: string;
  readonly version: number;
}

/** Who runs a version, and until when the claim holds unless renewed. */
export interface ProjectionLease {
  readonly owner: string;
  readonly expiresAt: string;
}

export interface ProjectionVersion extends ProjectionVersionRef {
  readonly status: ProjectionVersionStatus;
  /** Absent until the version's first commit. */
  readonly checkpoint: ProjectionCheckpoint | undefined;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The rate of the version's last committed batch, as its runner measured it (events per second). */
  readonly rate: number | undefined;
  /** The last lease taken on the version; it may have expired. */
  readonly lease: ProjectionLease | undefined;
}

/** A commit goes to a named version; with `owner`, only while that owner holds the version's lease. */
export interface ProjectionCommitTarget extends ProjectionVersionRef {
  readonly owner?: string;
}

export type LeaseOutcome = { readonly acquired: true; readonly lease: ProjectionLease } | { readonly acquired: false; readonly holder: ProjectionLease };

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
 * The view store port: the daily-counts view (per-dossier states and per-agency, per-day counts),
 * kept in versions. Writes name a version; reports read the live version of `daily-counts`.
 */
export interface ProjectionStore {
  /** The live version's checkpoint: the log position reports reflect. */
  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined>;
  /** One version, whatever its status; undefined when it does not exist. */
  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined>;
  /** Every version of the projection, oldest first, retired ones included. */
  listVersions(projection: string): Promise<ProjectionVersion[]>;
  /**
   * The projection's version with this status, started now (empty, no checkpoint) under the next
   * version number if there is none. Concurrent callers get the same version.
   */
  ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion>;
  loadDossiers(version: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>>;
  /**
   * Applies the batch to the version's rows and moves its checkpoint, in one transaction. Throws
   * ProjectionVersionRetiredError for a retired version and ProjectionLeaseLostError when `owner`
   * is given and does not hold the lease; nothing is written then.
   */
  commit(target: ProjectionCommitTarget, batch: ProjectionBatch): Promise<void>;
  /**
   * In one transaction: the building version becomes live and the live one (if any) retired, so
   * every read after it sees the new version and none sees a mix. Returns the retired version.
   * With `owner`, throws ProjectionLeaseLostError and switches nothing unless the owner holds the
   * building version's lease, so a replay whose lease another replay took cannot switch its version.
   */
  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ readonly retired: number | undefined }>;
  /** Deletes the view rows of the projection's retired versions (their version records stay); returns the rows deleted. */
  deleteRetired(projection: string): Promise<number>;
  /** Takes the version's lease for `ttlMs` when it is free, expired, or already the owner's; otherwise names the holder. */
  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome>;
  /** Extends the owner's lease; false when the owner no longer holds it. */
  renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if the owner holds it. */
  releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void>;
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
  /** Every row of one version, counts by (day, agency, metric) and dossiers by code: for comparing views. */
  dumpView(version: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }>;
  close(): Promise<void>;
}

/** The version was retired (a replay replaced it): its runner must move to the live version. */
export class ProjectionVersionRetiredError extends TthcError {
  readonly code = 'PROJECTION_VERSION_RETIRED';
  constructor(readonly ref: ProjectionVersionRef) {
    super(`projection ${ref.projection} version ${ref.version} is retired`);
  }
}

/** Another runner took the version's lease (this one's expired): this runner's batch is not written. */
export class ProjectionLeaseLostError extends TthcError {
  readonly code = 'PROJECTION_LEASE_LOST';
  constructor(
    readonly ref: ProjectionVersionRef,
    readonly owner: string,
    readonly holder: string | undefined,
  ) {
    super(`projection ${ref.projection} version ${ref.version}: ${owner} no longer holds the lease (held by ${holder ?? 'nobody'})`);
  }
}

/** The version does not exist. */
export class ProjectionVersionNotFoundError extends TthcError {
  readonly code = 'PROJECTION_VERSION_NOT_FOUND';
  constructor(readonly ref: ProjectionVersionRef) {
    super(`projection ${ref.projection} has no version ${ref.version}`);
  }
}
