import type { Database, Statement } from 'better-sqlite3';
import {
  DAILY_COUNTS_PROJECTION,
  mergeIncrements,
  monthlyIncrements,
  splitByMonths,
  splitOpenCounterSums,
  OPEN_METRICS,
  openDossiersFromSums,
  ProjectionLeaseLostError,
  ProjectionVersionNotFoundError,
  ProjectionVersionRetiredError,
  type AgencyMetricTotal,
  type AgencyOpenDossiers,
  type DayRange,
  type DossierSummary,
  type LeaseOutcome,
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

const now = () => new Date().toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();
// The OPEN_METRICS as an SQL list: constants of ours, so quoting them inline is safe.
const OPEN_METRIC_LIST = `(${OPEN_METRICS.map((m) => `'${m}'`).join(', ')})`;
/** A range's month split as bound parameters (NULL for a part it lacks). */
interface SplitParams {
  monthsFrom: string | null;
  monthsTo: string | null;
  firstFrom: string | null;
  firstTo: string | null;
  secondFrom: string | null;
  secondTo: string | null;
}

/** The open counters' two prefix splits as bound parameters: the last whole month of each, and its partial month of days. */
interface OpenSplitParams {
  beforeMonths: string | null;
  throughMonths: string | null;
  beforeFrom: string | null;
  beforeTo: string | null;
  throughFrom: string | null;
  throughTo: string | null;
}

// The live version of the daily-counts view, which reports read.
const LIVE = `(SELECT version FROM projection_versions WHERE projection = '${DAILY_COUNTS_PROJECTION}' AND status = 'live')`;

/**
 * The versioned daily-counts view on the store's SQLite file. Times and lease expiries come from
 * this machine's clock: every process that opens the file runs on the same host.
 */
export class SqliteProjectionStore implements ProjectionStore {
  private readonly selectVersion: Statement<[number], VersionRow>;
  private readonly selectLive: Statement<[string], VersionRow>;
  private readonly selectVersions: Statement<[string], VersionRow>;
  private readonly selectWithStatus: Statement<[string, string], VersionRow>;
  private readonly insertVersion: Statement<[string, string, string, string]>;
  private readonly selectDossiers: Statement<[number, string], { dossier_code: string; state: string }>;
  private readonly upsertDossiers: (rows: number) => Statement;
  private readonly addCounts: (rows: number) => Statement;
  private readonly addMonthlyCounts: (rows: number) => Statement;
  private readonly advance: Statement<{ version: number; projection: string; commit: number; prepare: number; events: number; rate: number | null; now: string; owner: string | null }>;
  private readonly setStatus: Statement<[string, string, number]>;
  private readonly deleteDossiers: Statement<[string]>;
  private readonly deleteCounts: Statement<[string]>;
  private readonly deleteMonthlyCounts: Statement<[string]>;
  private readonly takeLease: Statement<{ version: number; owner: string; expires: string; now: string }>;
  private readonly extendLease: Statement<[string, number, string]>;
  private readonly dropLease: Statement<[number, string]>;
  private readonly sumRange: Statement<[SplitParams], { agency_code: string; metric: Metric; value: number }>;
  private readonly openSums: Statement<[OpenSplitParams], { agency_code: string; metric: OpenMetric; before_from: number; through_to: number; all_days: number }>;
  private readonly dumpCounts: Statement<[number], { agency_code: string; day: string; metric: Metric; value: number }>;
  private readonly dumpDossiers: Statement<[number], { dossier_code: string; state: string }>;
  private readonly commitTx: (target: ProjectionCommitTarget, batch: ProjectionBatch) => void;
  private readonly ensureTx: (projection: string, status: 'live' | 'building') => VersionRow;
  private readonly switchTx: (ref: ProjectionVersionRef, owner: string | undefined) => { retired: number | undefined };
  private readonly deleteTx: (projection: string) => number;
  private readonly reportTx: (range: DayRange) => ReportSnapshot;

  constructor(db: Database) {
    this.selectVersion = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE version = ?`);
    this.selectLive = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? AND status = 'live'`);
    this.selectVersions = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? ORDER BY version`);
    this.selectWithStatus = db.prepare(`SELECT ${VERSION_COLUMNS} FROM projection_versions WHERE projection = ? AND status = ?`);
    this.insertVersion = db.prepare(
      `INSERT INTO projection_versions (version, projection, status, started_at, updated_at)
       VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM projection_versions), ?, ?, ?, ?)`,
    );
    this.selectDossiers = db.prepare('SELECT dossier_code, state FROM view_dossiers WHERE version = ? AND dossier_code IN (SELECT value FROM json_each(?))');
    this.upsertDossiers = statementsByRows(db, (values) =>
      `INSERT INTO view_dossiers (version, dossier_code, state) VALUES ${values} ON CONFLICT (version, dossier_code) DO UPDATE SET state = excluded.state`,
      3,
    );
    this.addCounts = statementsByRows(db, (values) =>
      `INSERT INTO view_daily_counts (version, day, agency_code, metric, value) VALUES ${values}
       ON CONFLICT (version, day, agency_code, metric) DO UPDATE SET value = value + excluded.value`,
      5,
    );
    this.addMonthlyCounts = statementsByRows(db, (values) =>
      `INSERT INTO view_monthly_counts (version, month, agency_code, metric, value) VALUES ${values}
       ON CONFLICT (version, month, agency_code, metric) DO UPDATE SET value = value + excluded.value`,
      5,
    );
    this.advance = db.prepare(
      `UPDATE projection_versions
          SET commit_pos = @commit, prepare_pos = @prepare, events = events + @events, rate = COALESCE(@rate, rate), updated_at = @now
        WHERE version = @version AND projection = @projection AND status <> 'retired' AND (@owner IS NULL OR lease_owner = @owner)`,
    );
    this.setStatus = db.prepare('UPDATE projection_versions SET status = ?, updated_at = ? WHERE version = ?');
    const retired = "(SELECT version FROM projection_versions WHERE projection = ? AND status = 'retired')";
    this.deleteDossiers = db.prepare(`DELETE FROM view_dossiers WHERE version IN ${retired}`);
    this.deleteCounts = db.prepare(`DELETE FROM view_daily_counts WHERE version IN ${retired}`);
    this.deleteMonthlyCounts = db.prepare(`DELETE FROM view_monthly_counts WHERE version IN ${retired}`);
    this.takeLease = db.prepare(
      `UPDATE projection_versions SET lease_owner = @owner, lease_expires_at = @expires
        WHERE version = @version AND status <> 'retired' AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires_at < @now)`,
    );
    this.extendLease = db.prepare('UPDATE projection_versions SET lease_expires_at = ? WHERE version = ? AND lease_owner = ?');
    this.dropLease = db.prepare('UPDATE projection_versions SET lease_owner = NULL, lease_expires_at = NULL WHERE version = ? AND lease_owner = ?');
    // The range's whole months from the monthly rollup, its edge days from the daily rows (splitByMonths);
    // a missing part is bound as NULLs, which no BETWEEN matches.
    this.sumRange = db.prepare(
      `SELECT agency_code, metric, SUM(value) AS value FROM (
         SELECT agency_code, metric, value FROM view_monthly_counts
          WHERE version = ${LIVE} AND month BETWEEN @monthsFrom AND @monthsTo AND metric NOT IN ${OPEN_METRIC_LIST}
         UNION ALL
         SELECT agency_code, metric, value FROM view_daily_counts
          WHERE version = ${LIVE} AND (day BETWEEN @firstFrom AND @firstTo OR day BETWEEN @secondFrom AND @secondTo) AND metric NOT IN ${OPEN_METRIC_LIST}
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
         SELECT agency_code, metric, SUM(value) FILTER (WHERE day BETWEEN @beforeFrom AND @beforeTo),
                SUM(value) FILTER (WHERE day BETWEEN @throughFrom AND @throughTo), 0
           FROM view_daily_counts
          WHERE version = ${LIVE} AND metric IN ${OPEN_METRIC_LIST}
            AND (day BETWEEN @beforeFrom AND @beforeTo OR day BETWEEN @throughFrom AND @throughTo)
          GROUP BY agency_code, metric
       ) GROUP BY agency_code, metric`,
    );
    this.dumpCounts = db.prepare('SELECT agency_code, day, metric, value FROM view_daily_counts WHERE version = ? ORDER BY day, agency_code, metric');
    this.dumpDossiers = db.prepare('SELECT dossier_code, state FROM view_dossiers WHERE version = ? ORDER BY dossier_code');

    const commit = db.transaction((target: ProjectionCommitTarget, batch: ProjectionBatch) => {
      // The version row first: a retired version or a lost lease refuses the batch before it writes anything.
      const advanced = this.advance.run({
        version: target.version,
        projection: target.projection,
        commit: Number(batch.checkpoint.commit),
        prepare: Number(batch.checkpoint.prepare),
        events: batch.events,
        rate: batch.rate ?? null,
        now: now(),
        owner: target.owner ?? null,
      });
      if (advanced.changes === 0) throw this.refusal(target);
      // Rows go ROWS_PER_STATEMENT at a time: one statement call each instead of one per row.
      const dossiers = [...new Map(batch.dossiers.map((d) => [d.dossierCode, d])).values()];
      const v = target.version;
      this.inChunks(dossiers, this.upsertDossiers, (d, params) => params.push(v, d.dossierCode, JSON.stringify(d)));
      const counts = mergeIncrements(batch.increments);
      this.inChunks(counts, this.addCounts, (i, params) => params.push(v, i.day, i.agencyCode, i.metric, i.value));
      // The same increments added to their months' rollup rows, in the same transaction (month-rollup).
      this.inChunks(monthlyIncrements(counts), this.addMonthlyCounts, (i, params) => params.push(v, i.day, i.agencyCode, i.metric, i.value));
    });
    this.commitTx = (target, batch) => commit.immediate(target, batch);
    const ensure = db.transaction((projection: string, status: 'live' | 'building'): VersionRow => {
      const existing = this.selectWithStatus.get(projection, status);
      if (existing) return existing;
      const at = now();
      const { lastInsertRowid } = this.insertVersion.run(projection, status, at, at);
      return this.selectVersion.get(Number(lastInsertRowid)) as VersionRow;
    });
    this.ensureTx = (projection, status) => ensure.immediate(projection, status);
    const switchLive = db.transaction((ref: ProjectionVersionRef, owner: string | undefined): { retired: number | undefined } => {
      const next = this.versionRow(ref);
      if (next.status === 'live') return { retired: undefined };
      if (next.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      if (owner !== undefined && next.lease_owner !== owner) throw new ProjectionLeaseLostError(ref, owner, next.lease_owner ?? undefined);
      const live = this.selectLive.get(ref.projection);
      const at = now();
      if (live) this.setStatus.run('retired', at, live.version);
      this.setStatus.run('live', at, next.version);
      return { retired: live?.version };
    });
    this.switchTx = (ref, owner) => switchLive.immediate(ref, owner);
    const deleteRetired = db.transaction((projection: string) => {
      // The rollup goes with the daily rows; its rows are not counted, being sums of those.
      this.deleteMonthlyCounts.run(projection);
      return this.deleteDossiers.run(projection).changes + this.deleteCounts.run(projection).changes;
    });
    this.deleteTx = (projection) => deleteRetired.immediate(projection);
    // A deferred read transaction: in WAL mode its first read fixes one snapshot for all three, so
    // another process's commit or switch cannot fall between them.
    this.reportTx = db.transaction((range: DayRange) => {
      return { checkpoint: this.liveCheckpointOf(DAILY_COUNTS_PROJECTION), totals: this.totalsOf(range), open: this.openOf(range) };
    });
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

  private liveCheckpointOf(projection: string): ProjectionCheckpoint | undefined {
    const live = this.selectLive.get(projection);
    return live && toVersion(live).checkpoint;
  }

  private totalsOf(range: DayRange): AgencyMetricTotal[] {
    const { months, days } = splitByMonths(range);
    const [first, second] = days;
    const params: SplitParams = {
      monthsFrom: months?.from ?? null,
      monthsTo: months?.to ?? null,
      firstFrom: first?.from ?? null,
      firstTo: first?.to ?? null,
      secondFrom: second?.from ?? null,
      secondTo: second?.to ?? null,
    };
    return this.sumRange.all(params).map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: r.value }));
  }

  private openOf(range: DayRange): AgencyOpenDossiers[] {
    const { beforeFrom, throughTo } = splitOpenCounterSums(range);
    const params: OpenSplitParams = {
      beforeMonths: beforeFrom.months?.to ?? null,
      throughMonths: throughTo.months?.to ?? null,
      beforeFrom: beforeFrom.days[0]?.from ?? null,
      beforeTo: beforeFrom.days[0]?.to ?? null,
      throughFrom: throughTo.days[0]?.from ?? null,
      throughTo: throughTo.days[0]?.to ?? null,
    };
    return openDossiersFromSums(
      this.openSums.all(params).map((r) => ({ agencyCode: r.agency_code, metric: r.metric, beforeFrom: r.before_from, throughTo: r.through_to, allDays: r.all_days })),
    );
  }

  private versionRow(ref: ProjectionVersionRef): VersionRow {
    const row = this.selectVersion.get(ref.version);
    if (row?.projection !== ref.projection) throw new ProjectionVersionNotFoundError(ref);
    return row;
  }

  /** Why a commit's version update matched no row. */
  private refusal(target: ProjectionCommitTarget): Error {
    const row = this.versionRow(target);
    if (row.status === 'retired') return new ProjectionVersionRetiredError(target);
    return new ProjectionLeaseLostError(target, target.owner ?? '', row.lease_owner ?? undefined);
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return run(() => this.liveCheckpointOf(projection));
  }

  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    return run(() => {
      const row = this.selectVersion.get(ref.version);
      return row?.projection === ref.projection ? toVersion(row) : undefined;
    });
  }

  listVersions(projection: string): Promise<ProjectionVersion[]> {
    return run(() => this.selectVersions.all(projection).map(toVersion));
  }

  ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion> {
    return run(() => toVersion(this.ensureTx(projection, status)));
  }

  loadDossiers(ref: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    return run(() => {
      const rows = this.selectDossiers.all(ref.version, JSON.stringify(codes));
      return new Map(rows.map((r) => [r.dossier_code, JSON.parse(r.state) as DossierSummary]));
    });
  }

  commit(target: ProjectionCommitTarget, batch: ProjectionBatch): Promise<void> {
    return run(() => this.commitTx(target, batch));
  }

  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return run(() => this.switchTx(ref, owner));
  }

  deleteRetired(projection: string): Promise<number> {
    return run(() => this.deleteTx(projection));
  }

  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return run((): LeaseOutcome => {
      const row = this.versionRow(ref);
      if (row.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      const expires = later(ttlMs);
      if (this.takeLease.run({ version: ref.version, owner, expires, now: now() }).changes > 0) return { acquired: true, lease: { owner, expiresAt: expires } };
      const holder = this.versionRow(ref);
      if (holder.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      return { acquired: false, holder: { owner: holder.lease_owner ?? '', expiresAt: holder.lease_expires_at ?? '' } };
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

  totals(range: DayRange): Promise<AgencyMetricTotal[]> {
    return run(() => this.totalsOf(range));
  }

  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]> {
    return run(() => this.openOf(range));
  }

  readReportSnapshot(range: DayRange): Promise<ReportSnapshot> {
    return run(() => this.reportTx(range));
  }

  dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    return run(() => ({
      counts: this.dumpCounts.all(ref.version).map((r) => ({ agencyCode: r.agency_code, day: r.day, metric: r.metric, value: r.value })),
      dossiers: this.dumpDossiers.all(ref.version).map((r) => ({ dossierCode: r.dossier_code, state: JSON.parse(r.state) as DossierSummary })),
    }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
