import type { Database, Statement } from 'better-sqlite3';
import {
  commitRefusal,
  versionRefusal,
  type CheckpointAdvance,
  type LeaseOutcome,
  type ProjectionCheckpoint,
  type ProjectionCommitTarget,
  type ProjectionStore,
  type ProjectionVersion,
  type ProjectionVersionRef,
} from '@tthc/core';
import { run } from './sqlite-errors';

interface VersionRow {
  version: number;
  projection: string;
  status: ProjectionVersion['status'];
  commit_pos: number | null;
  prepare_pos: number | null;
  events: number;
  rate: number | null;
  started_at: string;
  updated_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

const VERSION_COLUMNS = 'version, projection, status, commit_pos, prepare_pos, events, rate, started_at, updated_at, lease_owner, lease_expires_at';

function toVersion(r: VersionRow): ProjectionVersion {
  return {
    projection: r.projection,
    version: r.version,
    status: r.status,
    checkpoint:
      r.commit_pos === null || r.prepare_pos === null
        ? undefined
        : { position: { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) }, events: r.events, updatedAt: r.updated_at },
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    rate: r.rate ?? undefined,
    lease: r.lease_owner === null || r.lease_expires_at === null ? undefined : { owner: r.lease_owner, expiresAt: r.lease_expires_at },
  };
}

const now = () => new Date().toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
/** The live version of a projection, as an SQL subquery for the view stores' reads (the name is a constant of ours). */
export const liveVersionSql = (projection: string): string =>
  `(SELECT version FROM projection_versions WHERE projection = '${projection}' AND status = 'live')`;
/** Every retired version, whatever its projection, as an SQL subquery: a view's rows are only ever its own projection's. */
export const RETIRED_VERSIONS_SQL = "(SELECT version FROM projection_versions WHERE status = 'retired')";

/**
 * The projection machinery on the store's SQLite file: versions, checkpoints and leases in
 * `projection_versions`. Its view stores (SqliteDailyCountsStore) write their rows through
 * `commitWith`, in its commit transaction. Times and lease expiries come from this machine's clock:
 * every process that opens the file runs on the same host.
 */
export class SqliteProjectionStore implements ProjectionStore {
  private readonly selectVersion: Statement<[number], VersionRow>;
  private readonly selectLive: Statement<[string], VersionRow>;
  private readonly selectVersions: Statement<[string], VersionRow>;
  private readonly selectWithStatus: Statement<[string, string], VersionRow>;
  private readonly insertVersion: Statement<[string, string, string, string]>;
  private readonly advance: Statement<{
    version: number;
    projection: string;
    commit: number;
    prepare: number;
    events: number;
    rate: number | null;
    now: string;
    owner: string | null;
  }>;
  private readonly setStatus: Statement<[string, string, number]>;
  private readonly takeLease: Statement<{ version: number; owner: string; expires: string; now: string }>;
  private readonly extendLease: Statement<[string, number, string]>;
  private readonly dropLease: Statement<[number, string]>;
  private readonly commitTx: (target: ProjectionCommitTarget, advance: CheckpointAdvance, write: ((version: number) => void) | undefined) => void;
  private readonly ensureTx: (projection: string, status: 'live' | 'building') => VersionRow;
  private readonly switchTx: (ref: ProjectionVersionRef, owner: string | undefined) => { retired: number | undefined };

  constructor(db: Database) {
    this.selectVersion = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE version = ?`);
    this.selectLive = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? AND status = 'live'`);
    this.selectVersions = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? ORDER BY version`);
    this.selectWithStatus = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? AND status = ?`);
    this.insertVersion = db.prepare(
      `INSERT INTO projection_versions (version, projection, status, started_at, updated_at)
       VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM projection_versions), ?, ?, ?, ?)`,
    );
    this.advance = db.prepare(
      `UPDATE projection_versions
          SET commit_pos = @commit, prepare_pos = @prepare, events = events + @events, rate = COALESCE(@rate, rate), updated_at = @now
        WHERE version = @version AND projection = @projection AND status <> 'retired' AND (@owner IS NULL OR lease_owner = @owner)`,
    );
    this.setStatus = db.prepare('UPDATE projection_versions SET status = ?, updated_at = ? WHERE version = ?');
    this.takeLease = db.prepare(
      `UPDATE projection_versions SET lease_owner = @owner, lease_expires_at = @expires
        WHERE version = @version AND status <> 'retired' AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at < @now)`,
    );
    this.extendLease = db.prepare('UPDATE projection_versions SET lease_expires_at = ? WHERE version = ? AND lease_owner = ?');
    this.dropLease = db.prepare('UPDATE projection_versions SET lease_owner = NULL, lease_expires_at = NULL WHERE version = ? AND lease_owner = ?');

    const commit = db.transaction((target: ProjectionCommitTarget, advance: CheckpointAdvance, write: ((version: number) => void) | undefined) => {
      // The version row first: a retired version or a lost lease refuses the batch before it writes anything.
      const advanced = this.advance.run({
        version: target.version,
        projection: target.projection,
        commit: Number(advance.checkpoint.commit),
        prepare: Number(advance.checkpoint.prepare),
        events: advance.events,
        rate: advance.rate ?? null,
        now: now(),
        owner: target.owner ?? null,
      });
      if (advanced.changes === 0) throw commitRefusal(target, this.versionOf(target));
      write?.(target.version);
    });
    this.commitTx = (target, advance, write) => commit.immediate(target, advance, write);
    const ensure = db.transaction((projection: string, status: 'live' | 'building'): VersionRow => {
      const existing = this.selectWithStatus.get(projection, status);
      if (existing) return existing;
      const at = now();
      const { lastInsertRowid } = this.insertVersion.run(projection, status, at, at);
      return this.selectVersion.get(Number(lastInsertRowid)) as VersionRow;
    });
    this.ensureTx = (projection, status) => ensure.immediate(projection, status);
    const switchLive = db.transaction((ref: ProjectionVersionRef, owner: string | undefined): { retired: number | undefined } => {
      const next = this.versionOf(ref);
      if (next?.status === 'live') return { retired: undefined };
      const refused = versionRefusal(ref, next, owner);
      if (refused) throw refused;
      const live = this.selectLive.get(ref.projection);
      const at = now();
      if (live) this.setStatus.run('retired', at, live.version);
      this.setStatus.run('live', at, ref.version);
      return { retired: live?.version };
    });
    this.switchTx = (ref, owner) => switchLive.immediate(ref, owner);
  }

  /** The live version's checkpoint, read at once: inside a view store's read transaction, part of its snapshot. */
  liveCheckpointOf(projection: string): ProjectionCheckpoint | undefined {
    const live = this.selectLive.get(projection);
    return live && toVersion(live).checkpoint;
  }

  private versionOf(ref: ProjectionVersionRef): ProjectionVersion | undefined {
    const row = this.selectVersion.get(ref.version);
    return row?.projection === ref.projection ? toVersion(row) : undefined;
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return run(() => this.liveCheckpointOf(projection));
  }

  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    return run(() => this.versionOf(ref));
  }

  listVersions(projection: string): Promise<ProjectionVersion[]> {
    return run(() => this.selectVersions.all(projection).map(toVersion));
  }

  ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion> {
    return run(() => toVersion(this.ensureTx(projection, status)));
  }

  commit(target: ProjectionCommitTarget, advance: CheckpointAdvance): Promise<void> {
    return run(() => this.commitTx(target, advance, undefined));
  }

  /**
   * The commit with a view's rows: in one immediate transaction, the version row is advanced under
   * the retired and lease checks, then `write` writes the view's rows of that version. Synchronous,
   * for a view store's `run`.
   */
  commitWith(target: ProjectionCommitTarget, advance: CheckpointAdvance, write: (version: number) => void): void {
    this.commitTx(target, advance, write);
  }

  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return run(() => this.switchTx(ref, owner));
  }

  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return run((): LeaseOutcome => {
      const refused = versionRefusal(ref, this.versionOf(ref));
      if (refused) throw refused;
      const expires = later(ttlMs);
      if (this.takeLease.run({ version: ref.version, owner, expires, now: now() }).changes > 0) return { acquired: true, lease: { owner, expiresAt: expires } };
      const holder = this.versionOf(ref);
      const gone = versionRefusal(ref, holder);
      if (gone) throw gone;
      return { acquired: false, holder: { owner: holder?.lease?.owner ?? '', expiresAt: holder?.lease?.expiresAt ?? '' } };
    });
  }

  renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean> {
    return run(() => this.extendLease.run(later(ttlMs), ref.version, owner).changes > 0);
  }

  releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void> {
    return run(() => {
      this.dropLease.run(ref.version, owner);
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
