import type { Pool, PoolClient } from 'pg';
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
import { inTransaction, mapPgError } from './transaction';

interface VersionRow {
  version: number;
  projection: string;
  status: ProjectionVersion['status'];
  commit_pos: string | null;
  prepare_pos: string | null;
  events: string;
  rate: number | null;
  started_at: Date;
  updated_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
}

const VERSION_COLUMNS =
  'version, projection, status, commit_pos::text, prepare_pos::text, events::text, rate, started_at, updated_at, lease_owner, lease_expires_at';

function toVersion(r: VersionRow): ProjectionVersion {
  return {
    projection: r.projection,
    version: r.version,
    status: r.status,
    checkpoint:
      r.commit_pos === null || r.prepare_pos === null
        ? undefined
        : { position: { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos) }, events: Number(r.events), updatedAt: r.updated_at.toISOString() },
    startedAt: r.started_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    rate: r.rate ?? undefined,
    lease: r.lease_owner === null || r.lease_expires_at === null ? undefined : { owner: r.lease_owner, expiresAt: r.lease_expires_at.toISOString() },
  };
}

/** Serialises the transactions that create versions or switch the live one. */
const VERSIONS_LOCK_KEY = 7_401_156;
/** The live version of a projection, as an SQL subquery for the view stores' reads (the name is a constant of ours). */
export const liveVersionSql = (projection: string): string =>
  `(SELECT version FROM projection_versions WHERE projection = '${projection}' AND status = 'live')`;
/** Every retired version, whatever its projection, as an SQL subquery: a view's rows are only ever its own projection's. */
export const RETIRED_VERSIONS_SQL = "(SELECT version FROM projection_versions WHERE status = 'retired')";

/** A pool or a client inside a transaction: reads that run on either. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;

/** The live version's checkpoint, read on `db`: inside a view store's read transaction, part of its snapshot. */
export async function liveCheckpoint(db: Queryable, projection: string): Promise<ProjectionCheckpoint | undefined> {
  const { rows } = await db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = $1 AND status = 'live'`, [projection]);
  const row = rows[0];
  return row && toVersion(row).checkpoint;
}

/**
 * The projection machinery on PostgreSQL: versions, checkpoints and leases in `projection_versions`.
 * Its view stores (PostgresDailyCountsStore) write their rows through `commitWith`, in its commit
 * transaction. Times and lease expiries come from the server's clock.
 */
export class PostgresProjectionStore implements ProjectionStore {
  constructor(private readonly pool: Pool) {}

  /** Runs `work`, with a PostgreSQL error turned into the port's error (a lost server: unavailable). */
  private async mapErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw mapPgError(error);
    }
  }

  private async query<R extends object>(sql: string, values: unknown[]): Promise<R[]> {
    return this.mapErrors(async () => (await this.pool.query<R>(sql, values)).rows);
  }

  private async versionOf(db: Queryable, ref: ProjectionVersionRef, lock = false): Promise<ProjectionVersion | undefined> {
    const { rows } = await db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE version = $1 AND projection = $2${lock ? ' FOR UPDATE' : ''}`,
      [ref.version, ref.projection],
    );
    const row = rows[0];
    return row && toVersion(row);
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return this.mapErrors(() => liveCheckpoint(this.pool, projection));
  }

  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    return this.mapErrors(() => this.versionOf(this.pool, ref));
  }

  async listVersions(projection: string): Promise<ProjectionVersion[]> {
    const rows = await this.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = $1 ORDER BY version`, [projection]);
    return rows.map(toVersion);
  }

  async ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [VERSIONS_LOCK_KEY]);
      const existing = await client.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = $1 AND status = $2`, [
        projection,
        status,
      ]);
      const found = existing.rows[0];
      if (found) return toVersion(found);
      const inserted = await client.query<VersionRow>(
        `INSERT INTO projection_versions (version, projection, status)
         SELECT COALESCE(MAX(version), 0) + 1, $1, $2 FROM projection_versions
         RETURNING ${VERSION_COLUMNS}`,
        [projection, status],
      );
      return toVersion(inserted.rows[0] as VersionRow);
    });
  }

  async commit(target: ProjectionCommitTarget, advance: CheckpointAdvance): Promise<void> {
    await this.commitWith(target, advance);
  }

  /**
   * The commit with a view's rows: in one transaction, the version row is advanced under the
   * retired and lease checks, then `write` writes the view's rows of that version on the same client.
   */
  async commitWith(target: ProjectionCommitTarget, advance: CheckpointAdvance, write?: (client: PoolClient, version: number) => Promise<void>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The version row first: it refuses a retired version or a lost lease before anything is written,
      // and its row lock orders this commit with a switch of the live version.
      const advanced = await client.query(
        `UPDATE projection_versions
            SET commit_pos = $3::text::xid8, prepare_pos = $4, events = events + $5, rate = COALESCE($6, rate), updated_at = now()
          WHERE version = $1 AND projection = $2 AND status <> 'retired' AND ($7::text IS NULL OR lease_owner = $7)`,
        [
          target.version,
          target.projection,
          advance.checkpoint.commit.toString(),
          advance.checkpoint.prepare.toString(),
          advance.events,
          advance.rate ?? null,
          target.owner ?? null,
        ],
      );
      if (advanced.rowCount === 0) throw commitRefusal(target, await this.versionOf(client, target));
      await write?.(client, target.version);
    });
  }

  async switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [VERSIONS_LOCK_KEY]);
      const next = await this.versionOf(client, ref, true);
      if (next?.status === 'live') return { retired: undefined };
      const refused = versionRefusal(ref, next, owner);
      if (refused) throw refused;
      const retired = await client.query<{ version: number }>(
        "UPDATE projection_versions SET status = 'retired', updated_at = now() WHERE projection = $1 AND status = 'live' RETURNING version",
        [ref.projection],
      );
      await client.query("UPDATE projection_versions SET status = 'live', updated_at = now() WHERE version = $1", [ref.version]);
      return { retired: retired.rows[0]?.version };
    });
  }

  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return this.mapErrors(async () => {
      const { rows } = await this.pool.query<{ lease_expires_at: Date }>(
        `UPDATE projection_versions SET lease_owner = $3, lease_expires_at = now() + $4::float8 * interval '1 millisecond'
          WHERE version = $1 AND projection = $2 AND status <> 'retired'
            AND (lease_owner IS NULL OR lease_owner = $3 OR lease_expires_at < now())
          RETURNING lease_expires_at`,
        [ref.version, ref.projection, owner, ttlMs],
      );
      const taken = rows[0];
      if (taken) return { acquired: true, lease: { owner, expiresAt: taken.lease_expires_at.toISOString() } };
      const holder = await this.versionOf(this.pool, ref);
      const refused = versionRefusal(ref, holder);
      if (refused) throw refused;
      return { acquired: false, holder: { owner: holder?.lease?.owner ?? '', expiresAt: holder?.lease?.expiresAt ?? '' } };
    });
  }

  async renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean> {
    const rows = await this.query(
      `UPDATE projection_versions SET lease_expires_at = now() + $4::float8 * interval '1 millisecond'
        WHERE version = $1 AND projection = $2 AND lease_owner = $3 RETURNING version`,
      [ref.version, ref.projection, owner, ttlMs],
    );
    return rows.length > 0;
  }

  async releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void> {
    await this.query('UPDATE projection_versions SET lease_owner = NULL, lease_expires_at = NULL WHERE version = $1 AND projection = $2 AND lease_owner = $3', [
      ref.version,
      ref.projection,
      owner,
    ]);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
