import type { Database, Statement } from 'better-sqlite3';
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
  type MonthSplitBounds,
  type OpenMetric,
  type OpenSplitBounds,
  type ProjectionCommitTarget,
  type ProjectionVersionRef,
  type ReportSnapshot,
  type ReportSnapshots,
  type ViewCountRow,
  type ViewDossierRow,
} from '@tthc/core';
import { run } from './sqlite-errors';
import { liveVersionSql, RETIRED_VERSIONS_SQL, type SqliteProjectionStore } from './sqlite-projection-store';

/** Rows one multi-row INSERT writes: well under SQLite's 32,766 parameters, big enough that per-call costs vanish. */
const ROWS_PER_STATEMENT = 200;

/** A prepared multi-row statement per row count, made on first use: `sql` gets the VALUES list. */
function statementsByRows(db: Database, sql: (values: string) => string, columns: number): (rows: number) => Statement {
  const made = new Map<number, Statement>();
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return (rows) => {
    let statement = made.get(rows);
    if (!statement) {
      statement = db.prepare(sql(Array.from({ length: rows }, () => row).join(', ')));
      made.set(rows, statement);
    }
    return statement;
  };
}

// The OPEN_METRICS as an SQL list: constants of ours, so quoting them inline is safe.
const OPEN_METRIC_LIST = `(${OPEN_METRICS.map((m) => `'${m}'`).join(', ')})`;
// The live version of the daily-counts view, which reports read.
const LIVE = liveVersionSql(DAILY_COUNTS_PROJECTION);

/**
 * The daily-counts view on the store's SQLite file: `view_dossiers`, `view_daily_counts` and its
 * monthly rollup `view_monthly_counts`, each row under its version. Versions, checkpoints and leases
 * are `projections`' (on the same database), whose commit transaction writes these rows.
 */
export class SqliteDailyCountsStore implements DailyCountsStore {
  private readonly selectDossiers: Statement<[number, string], { dossier_code: string; state: string }>;
  private readonly upsertDossiers: (rows: number) => Statement;
  private readonly addCounts: (rows: number) => Statement;
  private readonly addMonthlyCounts: (rows: number) => Statement;
  private readonly deleteDossiers: Statement<[]>;
  private readonly deleteCounts: Statement<[]>;
  private readonly deleteMonthlyCounts: Statement<[]>;
  private readonly sumRange: Statement<[MonthSplitBounds], { agency_code: string; metric: Metric; value: number }>;
  private readonly openSums: Statement<
    [OpenSplitBounds],
    { agency_code: string; metric: OpenMetric; before_from: number; through_to: number; all_days: number }
  >;
  private readonly dumpCounts: Statement<[number], { agency_code: string; day: string; metric: Metric; value: number }>;
  private readonly dumpDossiers: Statement<[number], { dossier_code: string; state: string }>;
  private readonly deleteTx: () => number;
  private readonly reportTx: (range: DayRange) => ReportSnapshot;
  private readonly reportsTx: (ranges: readonly DayRange[]) => ReportSnapshots;

  constructor(
    db: Database,
    private readonly projections: SqliteProjectionStore,
  ) {
    this.selectDossiers = db.prepare('SELECT dossier_code, state FROM view_dossiers WHERE version = ? AND dossier_code IN (SELECT value FROM json_each(?))');
    this.upsertDossiers = statementsByRows(
      db,
      (values) =>
        `INSERT INTO view_dossiers (version, dossier_code, state) VALUES ${values} ON CONFLICT (version, dossier_code) DO UPDATE SET state = excluded.state`,
      3,
    );
    this.addCounts = statementsByRows(
      db,
      (values) =>
        `INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES ${values}
       ON CONFLICT (version, day, agency_code, metric) DO UPDATE SET value = value + excluded.value`,
      5,
    );
    this.addMonthlyCounts = statementsByRows(
      db,
      (values) =>
        `INSERT INTO view_monthly_counts (version, month, agency_code, metric, value) VALUES ${values}
       ON CONFLICT (version, month, agency_code, metric) DO UPDATE SET value = value + excluded.value`,
      5,
    );
    this.deleteDossiers = db.prepare(`DELETE FROM view_dossiers WHERE version IN ${RETIRED_VERSIONS_SQL}`);
    this.deleteCounts = db.prepare(`DELETE FROM view_daily_counts WHERE version IN ${RETIRED_VERSIONS_SQL}`);
    this.deleteMonthlyCounts = db.prepare(`DELETE FROM view_monthly_counts WHERE version IN ${RETIRED_VERSIONS_SQL}`);
    // The range's whole months from the monthly rollup, its edge days from the daily rows (splitByMonths);
    // a missing part is bound as NULLs, which no BETWEEN matches. Each edge is a SELECT of its own:
    // SQLite uses the key's (version, day) range for a BETWEEN, but not for an OR of two.
    this.sumRange = db.prepare(
      `SELECT agency_code, metric, SUM(value) AS value FROM (
         SELECT agency_code, metric, value FROM view_monthly_counts
          WHERE version = ${LIVE} AND month BETWEEN @monthsFrom AND @monthsTo AND metric NOT IN ${OPEN_METRIC_LIST}
         UNION ALL
         SELECT agency_code, metric, value FROM view_daily_counts
          WHERE version = ${LIVE} AND day BETWEEN @firstFrom AND @firstTo AND metric NOT IN ${OPEN_METRIC_LIST}
         UNION ALL
         SELECT agency_code, metric, value FROM view_daily_counts
          WHERE version = ${LIVE} AND day BETWEEN @secondFrom AND @secondTo AND metric NOT IN ${OPEN_METRIC_LIST}
       ) GROUP BY agency_code, metric`,
    );
    // Each agency's open-dossier counters summed before the range, through it, and over all days (openDossiersFromSums):
    // each "through a day" sum is whole months from the monthly rollup plus at most one partial month of daily rows
    // (splitOpenCounterSums).
    this.openSums = db.prepare(
      `SELECT agency_code, metric, COALESCE(SUM(before_from), 0) AS before_from, COALESCE(SUM(through_to), 0) AS through_to,
              SUM(all_days) AS all_days FROM (
         SELECT agency_code, metric, SUM(value) FILTER (WHERE month <= @beforeMonths) AS before_from,
                SUM(value) FILTER (WHERE month <= @throughMonths) AS through_to, SUM(value) AS all_days
           FROM view_monthly_counts WHERE version = ${LIVE} AND metric IN ${OPEN_METRIC_LIST} GROUP BY agency_code, metric
         UNION ALL
         SELECT agency_code, metric, SUM(value), 0, 0 FROM view_daily_counts
          WHERE version = ${LIVE} AND metric IN ${OPEN_METRIC_LIST} AND day BETWEEN @beforeFrom AND @beforeTo
          GROUP BY agency_code, metric
         UNION ALL
         SELECT agency_code, metric, 0, SUM(value), 0 FROM view_daily_counts
          WHERE version = ${LIVE} AND metric IN ${OPEN_METRIC_LIST} AND day BETWEEN @throughFrom AND @throughTo
          GROUP BY agency_code, metric
       ) GROUP BY agency_code, metric`,
    );
    this.dumpCounts = db.prepare('SELECT agency_code, day, metric, value FROM view_daily_counts WHERE version = ? ORDER BY day, agency_code, metric');
    this.dumpDossiers = db.prepare('SELECT dossier_code, state FROM view_dossiers WHERE version = ? ORDER BY dossier_code');

    const deleteRetired = db.transaction(() => {
      // The rollup goes with the daily rows; its rows are not counted, being sums of those.
      this.deleteMonthlyCounts.run();
      return this.deleteDossiers.run().changes + this.deleteCounts.run().changes;
    });
    this.deleteTx = () => deleteRetired.immediate();
    // A deferred read transaction: in WAL mode its first read fixes one snapshot for all three, so
    // another process's commit or switch cannot fall between them.
    this.reportTx = db.transaction((range: DayRange) => {
      return { checkpoint: this.projections.liveCheckpointOf(DAILY_COUNTS_PROJECTION), totals: this.totalsOf(range), open: this.openOf(range) };
    });
    this.reportsTx = db.transaction((ranges: readonly DayRange[]) => ({
      checkpoint: this.projections.liveCheckpointOf(DAILY_COUNTS_PROJECTION),
      pieces: ranges.map((range) => ({ range, totals: this.totalsOf(range), open: this.openOf(range) })),
    }));
  }

  /** Runs `statement` over `rows`, ROWS_PER_STATEMENT rows per call (the last call takes the rest). */
  private inChunks<T>(rows: readonly T[], statement: (rows: number) => Statement, bind: (row: T, params: unknown[]) => void): void {
    for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
      const end = Math.min(rows.length, start + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      for (let i = start; i < end; i += 1) bind(rows[i] as T, params);
      statement(end - start).run(params);
    }
  }

  /** The batch's rows of version `v`, inside the projection store's commit transaction. */
  private write(v: number, batch: DailyCountsBatch): void {
    // Rows go ROWS_PER_STATEMENT at a time: one statement call each instead of one per row.
    const dossiers = [...new Map(batch.dossiers.map((d) => [d.dossierCode, d])).values()];
    this.inChunks(dossiers, this.upsertDossiers, (d, params) => params.push(v, d.dossierCode, JSON.stringify(d)));
    const counts = mergeIncrements(batch.increments);
    this.inChunks(counts, this.addCounts, (i, params) => params.push(v, i.day, i.agencyCode, i.metric, i.value));
    // The same increments added to their months' rollup rows, in the same transaction (month-rollup).
    this.inChunks(monthlyIncrements(counts), this.addMonthlyCounts, (i, params) => params.push(v, i.day, i.agencyCode, i.metric, i.value));
  }

  private totalsOf(range: DayRange): AgencyMetricTotal[] {
    return this.sumRange.all(monthSplitBounds(range)).map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: r.value }));
  }

  private openOf(range: DayRange): AgencyOpenDossiers[] {
    return openDossiersFromSums(
      this.openSums
        .all(openSplitBounds(range))
        .map((r) => ({ agencyCode: r.agency_code, metric: r.metric, beforeFrom: r.before_from, throughTo: r.through_to, allDays: r.all_days })),
    );
  }

  loadDossiers(ref: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    return run(() => {
      const rows = this.selectDossiers.all(ref.version, JSON.stringify(codes));
      return new Map(rows.map((r) => [r.dossier_code, JSON.parse(r.state) as DossierSummary]));
    });
  }

  commit(target: ProjectionCommitTarget, batch: DailyCountsBatch): Promise<void> {
    return run(() => this.projections.commitWith(target, batch, (v) => this.write(v, batch)));
  }

  deleteRetired(): Promise<number> {
    return run(() => this.deleteTx());
  }

  totals(range: DayRange): Promise<AgencyMetricTotal[]> {
    return run(() => this.totalsOf(range));
  }

  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]> {
    return run(() => this.openOf(range));
  }

  readReportSnapshot(range: DayRange): Promise<ReportSnapshot> {
    return run(() => this.reportTx(range));
  }

  readReportSnapshots(ranges: readonly DayRange[]): Promise<ReportSnapshots> {
    return run(() => this.reportsTx(ranges));
  }

  dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    return run(() => ({
      counts: this.dumpCounts.all(ref.version).map((r) => ({ agencyCode: r.agency_code, day: r.day, metric: r.metric, value: r.value })),
      dossiers: this.dumpDossiers.all(ref.version).map((r) => ({ dossierCode: r.dossier_code, state: JSON.parse(r.state) as DossierSummary })),
    }));
  }
}
