import type { Pool, PoolClient } from 'pg';
import {
  DAILY_COUNTS_PROJECTION,
  mergeIncrements,
  monthlyIncrements,
  monthSplitBounds,
  OPEN_METRICS,
  openDossiersFromSums,
  openSplitBounds,
  type AgencyMetricTotal,
  type AgencyOpenDossiers,
  type DailyCountsBatch,
  type DailyCountsStore,
  type DayRange,
  type DossierSummary,
  type Metric,
  type OpenMetric,
  type ProjectionCommitTarget,
  type ProjectionVersionRef,
  type ReportSnapshot,
  type ReportSnapshots,
  type ViewCountRow,
  type ViewDossierRow,
} from '@tthc/core';
import { liveCheckpoint, liveVersionSql, RETIRED_VERSIONS_SQL, type PostgresProjectionStore, type Queryable } from './postgres-projection-store';
import { inTransaction, mapPgError } from './transaction';

interface DossierRow {
  dossier_code: string;
  state: DossierSummary;
}

// The live version of the daily-counts view, which reports read.
const LIVE = liveVersionSql(DAILY_COUNTS_PROJECTION);

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

async function liveTotals(db: Queryable, range: DayRange): Promise<AgencyMetricTotal[]> {
  const b = monthSplitBounds(range);
  const { rows } = await db.query<{ agency_code: string; metric: Metric; value: string }>(TOTALS_SQL, [
    b.monthsFrom,
    b.monthsTo,
    b.firstFrom,
    b.firstTo,
    b.secondFrom,
    b.secondTo,
    OPEN_METRICS,
  ]);
  return rows.map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: Number(r.value) }));
}

async function liveOpenDossiers(db: Queryable, range: DayRange): Promise<AgencyOpenDossiers[]> {
  const b = openSplitBounds(range);
  const { rows } = await db.query<{ agency_code: string; metric: OpenMetric; before_from: string; through_to: string; all_days: string }>(
    OPEN_COUNTER_SUMS_SQL,
    [b.beforeMonths, b.throughMonths, b.beforeFrom, b.beforeTo, b.throughFrom, b.throughTo, OPEN_METRICS],
  );
  return openDossiersFromSums(
    rows.map((r) => ({
      agencyCode: r.agency_code,
      metric: r.metric,
      beforeFrom: Number(r.before_from),
      throughTo: Number(r.through_to),
      allDays: Number(r.all_days),
    })),
  );
}

/**
 * The daily-counts view on PostgreSQL: `view_dossiers`, `view_daily_counts` and its monthly rollup
 * `view_monthly_counts`, each row under its version. Versions, checkpoints and leases are
 * `projections`' (on the same pool), whose commit transaction writes these rows. Reads of the live
 * version are single statements, so each sees one version whole, and the report's three reads share
 * one REPEATABLE READ transaction.
 */
export class PostgresDailyCountsStore implements DailyCountsStore {
  constructor(
    private readonly pool: Pool,
    private readonly projections: PostgresProjectionStore,
  ) {}

  /** Runs `work` on the pool, with a PostgreSQL error turned into the port's error (a lost server: unavailable). */
  private async onPool<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    try {
      return await work(this.pool);
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async loadDossiers(ref: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    const { rows } = await this.onPool((db) =>
      db.query<DossierRow>('SELECT dossier_code, state FROM view_dossiers WHERE version = $1 AND dossier_code = ANY($2)', [ref.version, codes]),
    );
    return new Map(rows.map((r) => [r.dossier_code, r.state]));
  }

  async commit(target: ProjectionCommitTarget, batch: DailyCountsBatch): Promise<void> {
    // One row per key: ON CONFLICT cannot touch the same row twice in a statement.
    const dossiers = [...new Map(batch.dossiers.map((d) => [d.dossierCode, d])).values()];
    const counts = mergeIncrements(batch.increments);
    await this.projections.commitWith(target, batch, async (client: PoolClient, version: number) => {
      if (dossiers.length > 0) {
        // The rows as one JSON array: one native stringify here and one parse on the server, where
        // arrays of text would be escaped element by element on both sides.
        await client.query(
          `INSERT INTO view_dossiers (version, dossier_code, state) SELECT $1, d->>'dossierCode', d FROM jsonb_array_elements($2::jsonb) AS d
           ON CONFLICT (version, dossier_code) DO UPDATE SET state = EXCLUDED.state`,
          [version, JSON.stringify(dossiers)],
        );
      }
      if (counts.length > 0) {
        await client.query(
          `INSERT INTO view_daily_counts AS v (version, agency_code, day, metric, value)
           SELECT $1, c."agencyCode", c.day, c.metric, c.value FROM jsonb_to_recordset($2::jsonb) AS c("agencyCode" text, day date, metric text, value bigint)
           ON CONFLICT (version, day, agency_code, metric) DO UPDATE SET value = v.value + EXCLUDED.value`,
          [version, JSON.stringify(counts)],
        );
        // The same increments added to their months' rollup rows, in the same transaction (month-rollup).
        await client.query(
          `INSERT INTO view_monthly_counts AS v (version, agency_code, month, metric, value)
           SELECT $1, c."agencyCode", c.day, c.metric, c.value FROM jsonb_to_recordset($2::jsonb) AS c("agencyCode" text, day date, metric text, value bigint)
           ON CONFLICT (version, month, agency_code, metric) DO UPDATE SET value = v.value + EXCLUDED.value`,
          [version, JSON.stringify(monthlyIncrements(counts))],
        );
      }
    });
  }

  async deleteRetired(): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const dossiers = await client.query(`DELETE FROM view_dossiers WHERE version IN ${RETIRED_VERSIONS_SQL}`);
      const counts = await client.query(`DELETE FROM view_daily_counts WHERE version IN ${RETIRED_VERSIONS_SQL}`);
      // The rollup goes with them; its rows are not counted, being sums of the daily ones.
      await client.query(`DELETE FROM view_monthly_counts WHERE version IN ${RETIRED_VERSIONS_SQL}`);
      return (dossiers.rowCount ?? 0) + (counts.rowCount ?? 0);
    });
  }

  totals(range: DayRange): Promise<AgencyMetricTotal[]> {
    return this.onPool((db) => liveTotals(db, range));
  }

  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]> {
    return this.onPool((db) => liveOpenDossiers(db, range));
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

  readReportSnapshots(ranges: readonly DayRange[]): Promise<ReportSnapshots> {
    return inTransaction(
      this.pool,
      async (client) => {
        const checkpoint = await liveCheckpoint(client, DAILY_COUNTS_PROJECTION);
        const pieces = [];
        // One after another: a transaction's client runs one query at a time.
        for (const range of ranges) pieces.push({ range, totals: await liveTotals(client, range), open: await liveOpenDossiers(client, range) });
        return { checkpoint, pieces };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    const [counts, dossiers] = await Promise.all([
      this.onPool((db) =>
        db.query<{ agency_code: string; day: string; metric: Metric; value: string }>(
          `SELECT agency_code, day::text AS day, metric, value::text AS value FROM view_daily_counts WHERE version = $1
            ORDER BY day, agency_code COLLATE "C", metric COLLATE "C"`,
          [ref.version],
        ),
      ),
      this.onPool((db) =>
        db.query<DossierRow>('SELECT dossier_code, state FROM view_dossiers WHERE version = $1 ORDER BY dossier_code COLLATE "C"', [ref.version]),
      ),
    ]);
    return {
      counts: counts.rows.map((r) => ({ agencyCode: r.agency_code, day: r.day, metric: r.metric, value: Number(r.value) })),
      dossiers: dossiers.rows.map((r) => ({ dossierCode: r.dossier_code, state: r.state })),
    };
  }
}
