import type { Pool, PoolClient } from 'pg';
import {
  DAILY_COUNTS_PROJECTION,
  mergeIncrements,
  monthlyIncrements,
  OPEN_METRICS,
  openDossiersFromSums,
  splitByMonths,
  splitOpenCounterSums,
  ProjectionLeaseLostError,
  ProjectionVersionNotFoundError,
  ProjectionVersionRetiredError,
  type AgencyMetricTotal,
  type AgencyOpenDossiers,
  type DayRange,
  type DossierSummary,
  type LeaseOutcome,
  type MonthSplit,
  type Metric,
  type OpenMetric,
  type ProjectionBatch,
  type ProjectionCheckpoint,
  type ProjectionCommitTarget,
  type ProjectionStore,
  type ProjectionVersion,
  type ProjectionVersionRef,
  type ReportSnapshot,
  type ViewCountRow,
  type ViewDossierRow,
} from '@tthc/core';
import { inTransaction, mapPgError } from './transaction';

interface DossierRow {
  dossier_code: string;
  state: DossierSummary;
}

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
    lease:
      r.lease_owner === null || r.lease_expires_at === null ? undefined : { owner: r.lease_owner, expiresAt: r.lease_expires_at.toISOString() },
  };
}

/** Serialises the transactions that create versions or switch the live one. */
const VERSIONS_LOCK_KEY = 7_401_156;
// The live version of the daily-counts view, which reports read.
const LIVE = `(SELECT version FROM projection_versions WHERE projection = '${DAILY_COUNTS_PROJECTION}' AND status = 'live')`;

/** A pool or a client inside a transaction: reads that run on either. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

// The range's whole months from the monthly rollup, its edge days from the daily rows (splitByMonths);
// a missing part is passed as NULLs, which no BETWEEN matches.
const TOTALS_SQL = `SELECT agency_code, metric, SUM(value)::text AS value FROM (
    SELECT agency_code, metric, value FROM view_monthly_counts
     WHERE version = ${LIVE} AND month BETWEEN $1::date AND $2::date AND metric <> ALL($7::text[])
    UNION ALL
    SELECT agency_code, metric, value FROM view_daily_counts
     WHERE version = ${LIVE} AND (day BETWEEN $3::date AND $4::date OR day BETWEEN $5::date AND $6::date) AND metric <> ALL($7::text[])
  ) r GROUP BY agency_code, metric`;

// Each agency's open-dossier counters summed before the range, through it, and over all days (openDossiersFromSums):
// each "through a day" sum is whole months up to $1 / $2 from the monthly rollup plus at most one partial
// month of daily rows, $3–$4 / $5–$6 (splitOpenCounterSums).
const OPEN_COUNTER_SUMS_SQL = `SELECT agency_code, metric, coalesce(SUM(before_from), 0)::text AS before_from,
       coalesce(SUM(through_to), 0)::text AS through_to, SUM(all_days)::text AS all_days FROM (
    SELECT agency_code, metric, SUM(value) FILTER (WHERE month <= $1::date) AS before_from,
           SUM(value) FILTER (WHERE month <= $2::date) AS through_to, SUM(value) AS all_days
      FROM view_monthly_counts WHERE version = ${LIVE} AND metric = ANY($7::text[]) GROUP BY agency_code, metric
    UNION ALL
    SELECT agency_code, metric, SUM(value) FILTER (WHERE day BETWEEN $3::date AND $4::date),
           SUM(value) FILTER (WHERE day BETWEEN $5::date AND $6::date), 0
      FROM view_daily_counts
     WHERE version = ${LIVE} AND metric = ANY($7::text[]) AND (day BETWEEN $3::date AND $4::date OR day BETWEEN $5::date AND $6::date)
     GROUP BY agency_code, metric
  ) s GROUP BY agency_code, metric`;

/** A split's parts as query parameters: its whole months, then its first and last edge ranges (NULLs when absent). */
function splitParams({ months, days }: MonthSplit): (string | null)[] {
  const [first, second] = days;
  return [months?.from ?? null, months?.to ?? null, first?.from ?? null, first?.to ?? null, second?.from ?? null, second?.to ?? null];
}

async function liveCheckpoint(db: Queryable, projection: string): Promise<ProjectionCheckpoint | undefined> {
  const { rows } = await db.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = $1 AND status = 'live'`, [projection]);
  const row = rows[0];
  return row && toVersion(row).checkpoint;
}

async function liveTotals(db: Queryable, { from, to }: DayRange): Promise<AgencyMetricTotal[]> {
  const { rows } = await db.query<{ agency_code: string; metric: Metric; value: string }>(TOTALS_SQL, [...splitParams(splitByMonths({ from, to })), OPEN_METRICS]);
  return rows.map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: Number(r.value) }));
}

async function liveOpenDossiers(db: Queryable, range: DayRange): Promise<AgencyOpenDossiers[]> {
  const { beforeFrom: before, throughTo: through } = splitOpenCounterSums(range);
  const { rows } = await db.query<{ agency_code: string; metric: OpenMetric; before_from: string; through_to: string; all_days: string }>(
    OPEN_COUNTER_SUMS_SQL,
    [before.months?.to ?? null, through.months?.to ?? null, before.days[0]?.from ?? null, before.days[0]?.to ?? null, through.days[0]?.from ?? null, through.days[0]?.to ?? null, OPEN_METRICS],
  );
  return openDossiersFromSums(
    rows.map((r) => ({ agencyCode: r.agency_code, metric: r.metric, beforeFrom: Number(r.before_from), throughTo: Number(r.through_to), allDays: Number(r.all_days) })),
  );
}

/**
 * The versioned daily-counts view on PostgreSQL. Reads of the live version are single statements,
 * so each sees one version whole, and the report's three reads share one REPEATABLE READ
 * transaction; times and lease expiries come from the server's clock.
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

  private async versionRow(db: Queryable, ref: ProjectionVersionRef, lock = false): Promise<VersionRow> {
    const { rows } = await db.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE version = $1 AND projection = $2${lock ? ' FOR UPDATE' : ''}`,
      [ref.version, ref.projection],
    );
    const row = rows[0];
    if (!row) throw new ProjectionVersionNotFoundError(ref);
    return row;
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return this.mapErrors(() => liveCheckpoint(this.pool, projection));
  }

  async readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    const [row] = await this.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE version = $1 AND projection = $2`, [
      ref.version,
      ref.projection,
    ]);
    return row && toVersion(row);
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

  async loadDossiers(ref: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    const rows = await this.query<DossierRow>('SELECT dossier_code, state FROM view_dossiers WHERE version = $1 AND dossier_code = ANY($2)', [
      ref.version,
      codes,
    ]);
    return new Map(rows.map((r) => [r.dossier_code, r.state]));
  }

  async commit(target: ProjectionCommitTarget, batch: ProjectionBatch): Promise<void> {
    // One row per key: ON CONFLICT cannot touch the same row twice in a statement.
    const dossiers = [...new Map(batch.dossiers.map((d) => [d.dossierCode, d])).values()];
    const counts = mergeIncrements(batch.increments);
    await inTransaction(this.pool, async (client) => {
      // The version row first: it refuses a retired version or a lost lease before anything is written,
      // and its row lock orders this commit with a switch of the live version.
      const advanced = await client.query(
        `UPDATE projection_versions
            SET commit_pos = $3::text::xid8, prepare_pos = $4, events = events + $5, rate = COALESCE($6, rate), updated_at = now()
          WHERE version = $1 AND projection = $2 AND status <> 'retired' AND ($7::text IS NULL OR lease_owner = $7)`,
        [target.version, target.projection, batch.checkpoint.commit.toString(), batch.checkpoint.prepare.toString(), batch.events, batch.rate ?? null, target.owner ?? null],
      );
      if (advanced.rowCount === 0) {
        const row = await this.versionRow(client, target);
        if (row.status === 'retired') throw new ProjectionVersionRetiredError(target);
        throw new ProjectionLeaseLostError(target, target.owner ?? '', row.lease_owner ?? undefined);
      }
      if (dossiers.length > 0) {
        // The rows as one JSON array: one native stringify here and one parse on the server, where
        // arrays of text would be escaped element by element on both sides.
        await client.query(
          `INSERT INTO view_dossiers (version, dossier_code, state) SELECT $1, d->>'dossierCode', d FROM jsonb_array_elements($2::jsonb) AS d
           ON CONFLICT (version, dossier_code) DO UPDATE SET state = EXCLUDED.state`,
          [target.version, JSON.stringify(dossiers)],
        );
      }
      if (counts.length > 0) {
        await client.query(
          `INSERT INTO view_daily_counts AS v (version, agency_code, day, metric, value)
           SELECT $1, c."agencyCode", c.day, c.metric, c.value FROM jsonb_to_recordset($2::jsonb) AS c("agencyCode" text, day date, metric text, value bigint)
           ON CONFLICT (version, day, agency_code, metric) DO UPDATE SET value = v.value + EXCLUDED.value`,
          [target.version, JSON.stringify(counts)],
        );
        // The same increments added to their months' rollup rows, in the same transaction (month-rollup).
        await client.query(
          `INSERT INTO view_monthly_counts AS v (version, agency_code, month, metric, value)
           SELECT $1, c."agencyCode", c.day, c.metric, c.value FROM jsonb_to_recordset($2::jsonb) AS c("agencyCode" text, day date, metric text, value bigint)
           ON CONFLICT (version, month, agency_code, metric) DO UPDATE SET value = v.value + EXCLUDED.value`,
          [target.version, JSON.stringify(monthlyIncrements(counts))],
        );
      }
    });
  }

  async switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [VERSIONS_LOCK_KEY]);
      const next = await this.versionRow(client, ref, true);
      if (next.status === 'live') return { retired: undefined };
      if (next.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      if (owner !== undefined && next.lease_owner !== owner) throw new ProjectionLeaseLostError(ref, owner, next.lease_owner ?? undefined);
      const retired = await client.query<{ version: number }>(
        "UPDATE projection_versions SET status = 'retired', updated_at = now() WHERE projection = $1 AND status = 'live' RETURNING version",
        [ref.projection],
      );
      await client.query("UPDATE projection_versions SET status = 'live', updated_at = now() WHERE version = $1", [ref.version]);
      return { retired: retired.rows[0]?.version };
    });
  }

  async deleteRetired(projection: string): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const retired = "(SELECT version FROM projection_versions WHERE projection = $1 AND status = 'retired')";
      const dossiers = await client.query(`DELETE FROM view_dossiers WHERE version IN ${retired}`, [projection]);
      const counts = await client.query(`DELETE FROM view_daily_counts WHERE version IN ${retired}`, [projection]);
      // The rollup goes with them; its rows are not counted, being sums of the daily ones.
      await client.query(`DELETE FROM view_monthly_counts WHERE version IN ${retired}`, [projection]);
      return (dossiers.rowCount ?? 0) + (counts.rowCount ?? 0);
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
      const row = await this.versionRow(this.pool, ref);
      if (row.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      return { acquired: false, holder: { owner: row.lease_owner ?? '', expiresAt: row.lease_expires_at?.toISOString() ?? '' } };
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

  totals(range: DayRange): Promise<AgencyMetricTotal[]> {
    return this.mapErrors(() => liveTotals(this.pool, range));
  }

  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]> {
    return this.mapErrors(() => liveOpenDossiers(this.pool, range));
  }

  readReportSnapshot(range: DayRange): Promise<ReportSnapshot> {
    // One snapshot for all three reads: a commit or a switch between them cannot mix positions or versions.
    return inTransaction(
      this.pool,
      async (client) => ({
        checkpoint: await liveCheckpoint(client, DAILY_COUNTS_PROJECTION),
        totals: await liveTotals(client, range),
        open: await liveOpenDossiers(client, range),
      }),
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    const [counts, dossiers] = await Promise.all([
      this.query<{ agency_code: string; day: string; metric: Metric; value: string }>(
        `SELECT agency_code, day::text AS day, metric, value::text AS value FROM view_daily_counts WHERE version = $1
          ORDER BY day, agency_code COLLATE "C", metric COLLATE "C"`,
        [ref.version],
      ),
      this.query<DossierRow>('SELECT dossier_code, state FROM view_dossiers WHERE version = $1 ORDER BY dossier_code COLLATE "C"', [ref.version]),
    ]);
    return {
      counts: counts.map((r) => ({ agencyCode: r.agency_code, day: r.day, metric: r.metric, value: Number(r.value) })),
      dossiers: dossiers.map((r) => ({ dossierCode: r.dossier_code, state: r.state })),
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
