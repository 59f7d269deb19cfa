import type { LogPosition } from '../event-store/log-position';
import { TthcError } from '../errors';

/**
 * What every batch of every projection moves: the version's checkpoint, and the events read to get
 * there. A view's batch adds its changes to it (DailyCountsBatch), written in the same transaction.
 */
export interface CheckpointAdvance {
  readonly checkpoint: LogPosition;
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

/**
 * The projection machinery port, for any projection: its versions, each version's checkpoint and
 * lease, and the atomic switch of the live version. What a version's view holds is another port's
 * (DailyCountsStore for `daily-counts`): each adapter's view store writes its rows inside this
 * adapter's commit transaction, so that rows and checkpoint move together under the lease check.
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
  /**
   * Moves the version's checkpoint, in one transaction, with no view rows (a view store's commit
   * writes its rows in that same transaction). Throws ProjectionVersionRetiredError for a retired
   * version and ProjectionLeaseLostError when `owner` is given and does not hold the lease; nothing
   * is written then.
   */
  commit(target: ProjectionCommitTarget, advance: CheckpointAdvance): Promise<void>;
  /**
   * In one transaction: the building version becomes live and the live one (if any) retired, so
   * every read after it sees the new version and none sees a mix. Returns the retired version.
   * With `owner`, throws ProjectionLeaseLostError and switches nothing unless the owner holds the
   * building version's lease, so a replay whose lease another replay took cannot switch its version.
   */
  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ readonly retired: number | undefined }>;
  /** Takes the version's lease for `ttlMs` when it is free, expired, or already the owner's; otherwise names the holder. */
  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome>;
  /** Extends the owner's lease; false when the owner no longer holds it. */
  renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease if the owner holds it. */
  releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void>;
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

/**
 * Why a write to a version is refused, from the version as the store read it (undefined: not found):
 * retired, or, given an owner, a lease that owner does not hold. Undefined when the write may go
 * ahead. Every adapter's commit, switch and lease take their refusals from here.
 */
export function versionRefusal(ref: ProjectionVersionRef, version: Pick<ProjectionVersion, 'status' | 'lease'> | undefined, owner?: string): Error | undefined {
  if (!version) return new ProjectionVersionNotFoundError(ref);
  if (version.status === 'retired') return new ProjectionVersionRetiredError(ref);
  if (owner !== undefined && version.lease?.owner !== owner) return new ProjectionLeaseLostError(ref, owner, version.lease?.owner);
  return undefined;
}

/** Why a commit whose checked update matched no row was refused: versionRefusal's reason, else a lease lost. */
export function commitRefusal(target: ProjectionCommitTarget, version: Pick<ProjectionVersion, 'status' | 'lease'> | undefined): Error {
  return versionRefusal(target, version, target.owner) ?? new ProjectionLeaseLostError(target, target.owner ?? '', version?.lease?.owner);
}

// The simulation imports these from here; it is moving to its own package on a parallel branch, which
// is the place to change its imports to './daily-counts-store'.
export type { AgencyMetricTotal, AgencyOpenDossiers, DayRange } from './daily-counts-store';
