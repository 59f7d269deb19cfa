import {
  ProjectionVersionNotFoundError,
  versionRefusal,
  type CheckpointAdvance,
  type LeaseOutcome,
  type ProjectionCheckpoint,
  type ProjectionCommitTarget,
  type ProjectionStore,
  type ProjectionVersion,
  type ProjectionVersionRef,
} from './projection-store';

/**
 * The port's reference implementation: versions and leases in a map, times from the local clock.
 * The in-memory view stores keep their rows beside it and write them through `commitWith`.
 */
export class InMemoryProjectionStore implements ProjectionStore {
  private readonly versions = new Map<number, ProjectionVersion>();

  private find(ref: ProjectionVersionRef): ProjectionVersion {
    const v = this.versions.get(ref.version);
    if (!v || v.projection !== ref.projection) throw new ProjectionVersionNotFoundError(ref);
    return v;
  }

  /** The projection's version with this status, read at once: for the view stores' reads. */
  withStatus(projection: string, status: ProjectionVersion['status']): ProjectionVersion | undefined {
    return [...this.versions.values()].find((v) => v.projection === projection && v.status === status);
  }

  /** The numbers of every retired version, whatever its projection: for the view stores' deleteRetired. */
  retiredVersions(): number[] {
    return [...this.versions.values()].filter((v) => v.status === 'retired').map((v) => v.version);
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return Promise.resolve(this.withStatus(projection, 'live')?.checkpoint);
  }

  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    const v = this.versions.get(ref.version);
    return Promise.resolve(v?.projection === ref.projection ? v : undefined);
  }

  listVersions(projection: string): Promise<ProjectionVersion[]> {
    return Promise.resolve([...this.versions.values()].filter((v) => v.projection === projection).sort((a, b) => a.version - b.version));
  }

  ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion> {
    const existing = this.withStatus(projection, status);
    if (existing) return Promise.resolve(existing);
    const now = new Date().toISOString();
    const version: ProjectionVersion = {
      projection,
      version: Math.max(0, ...this.versions.keys()) + 1,
      status,
      checkpoint: undefined,
      startedAt: now,
      updatedAt: now,
      rate: undefined,
      lease: undefined,
    };
    this.versions.set(version.version, version);
    return Promise.resolve(version);
  }

  commit(target: ProjectionCommitTarget, advance: CheckpointAdvance): Promise<void> {
    return this.commitWith(target, advance);
  }

  /**
   * The commit with a view's rows: checks the version and lease, runs `write` (which must not throw
   * once it has changed anything), then moves the checkpoint, all before anything else can run.
   */
  commitWith(target: ProjectionCommitTarget, advance: CheckpointAdvance, write?: (version: number) => void): Promise<void> {
    return Promise.resolve().then(() => {
      const v = this.find(target);
      const refused = versionRefusal(target, v, target.owner);
      if (refused) throw refused;
      write?.(v.version);
      const now = new Date().toISOString();
      this.versions.set(v.version, {
        ...v,
        checkpoint: { position: advance.checkpoint, events: (v.checkpoint?.events ?? 0) + advance.events, updatedAt: now },
        updatedAt: now,
        rate: advance.rate ?? v.rate,
      });
    });
  }

  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return Promise.resolve().then(() => {
      const next = this.find(ref);
      if (next.status === 'live') return { retired: undefined };
      const refused = versionRefusal(ref, next, owner);
      if (refused) throw refused;
      const now = new Date().toISOString();
      const live = this.withStatus(ref.projection, 'live');
      if (live) this.versions.set(live.version, { ...live, status: 'retired', updatedAt: now });
      this.versions.set(next.version, { ...next, status: 'live', updatedAt: now });
      return { retired: live?.version };
    });
  }

  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return Promise.resolve().then((): LeaseOutcome => {
      const v = this.find(ref);
      const refused = versionRefusal(ref, v);
      if (refused) throw refused;
      const now = Date.now();
      if (v.lease && v.lease.owner !== owner && Date.parse(v.lease.expiresAt) >= now) return { acquired: false, holder: v.lease };
      const lease = { owner, expiresAt: new Date(now + ttlMs).toISOString() };
      this.versions.set(v.version, { ...v, lease });
      return { acquired: true, lease };
    });
  }

  renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve().then(() => {
      const v = this.find(ref);
      if (v.lease?.owner !== owner) return false;
      this.versions.set(v.version, { ...v, lease: { owner, expiresAt: new Date(Date.now() + ttlMs).toISOString() } });
      return true;
    });
  }

  releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void> {
    const v = this.versions.get(ref.version);
    if (v?.projection === ref.projection && v.lease?.owner === owner) this.versions.set(v.version, { ...v, lease: undefined });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
