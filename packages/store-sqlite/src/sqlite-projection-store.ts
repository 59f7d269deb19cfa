import type { Database, Statement } from 'better-sqlite3';
import {
  mergeIncrements,
  type AgencyMetricTotal,
  type AgencyOpenDossiers,
  type DayRange,
  type DossierSummary,
  type Metric,
  type ProjectionBatch,
  type ProjectionCheckpoint,
  type ProjectionStore,
} from '@tthc/core';
import { run } from './sqlite-errors';

interface DossierRow {
  dossier_code: string;
  state: string;
}

export class SqliteProjectionStore implements ProjectionStore {
  private readonly selectCheckpoint: Statement<[string], { commit_pos: number; prepare_pos: number; events: number; updated_at: string }>;
  private readonly selectDossiers: Statement<[string], DossierRow>;
  private readonly upsertDossier: Statement<[string, string]>;
  private readonly addCount: Statement<[string, string, string, number]>;
  private readonly upsertCheckpoint: Statement<[string, number, number, number, string]>;
  private readonly sumRange: Statement<[string, string], { agency_code: string; metric: Metric; value: number }>;
  private readonly commitTx: (projection: string, batch: ProjectionBatch) => void;
  private readonly openAt: Statement<[{ from: string; to: string }], { agency_code: string; carried_over: number; not_due: number; overdue: number }>;

  constructor(db: Database) {
    this.selectCheckpoint = db.prepare('SELECT commit_pos, prepare_pos, events, updated_at FROM projection_checkpoints WHERE projection = ?');
    this.selectDossiers = db.prepare('SELECT dossier_code, state FROM view_dossiers WHERE dossier_code IN (SELECT value FROM json_each(?))');
    this.upsertDossier = db.prepare(
      'INSERT INTO view_dossiers (dossier_code, state) VALUES (?, ?) ON CONFLICT (dossier_code) DO UPDATE SET state = excluded.state',
    );
    this.addCount = db.prepare(
      `INSERT INTO view_daily_counts (agency_code, day, metric, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, agency_code, metric) DO UPDATE SET value = value + excluded.value`,
    );
    this.upsertCheckpoint = db.prepare(
      `INSERT INTO projection_checkpoints (projection, commit_pos, prepare_pos, events, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET commit_pos = excluded.commit_pos, prepare_pos = excluded.prepare_pos,
         events = projection_checkpoints.events + excluded.events, updated_at = excluded.updated_at`,
    );
    this.sumRange = db.prepare(
      'SELECT agency_code, metric, SUM(value) AS value FROM view_daily_counts WHERE day BETWEEN ? AND ? GROUP BY agency_code, metric',
    );
    this.openAt = db.prepare(
      `SELECT agency_code,
              SUM(received_day < @from AND (closed_day IS NULL OR closed_day >= @from)) AS carried_over,
              SUM(received_day <= @to AND (closed_day IS NULL OR closed_day > @to) AND NOT (due_date IS NOT NULL AND due_date < @to)) AS not_due,
              SUM(received_day <= @to AND (closed_day IS NULL OR closed_day > @to) AND due_date IS NOT NULL AND due_date < @to) AS overdue
         FROM (SELECT json_extract(state, '$.agencyCode') AS agency_code, json_extract(state, '$.receivedDay') AS received_day,
                      json_extract(state, '$.closedDay') AS closed_day, json_extract(state, '$.dueDate') AS due_date
                 FROM view_dossiers WHERE json_extract(state, '$.status') <> 'refused-at-reception')
        GROUP BY agency_code`,
    );
    const tx = db.transaction((projection: string, batch: ProjectionBatch) => {
      for (const d of batch.dossiers) {
        this.upsertDossier.run(d.dossierCode, JSON.stringify(d));
      }
      for (const i of mergeIncrements(batch.increments)) this.addCount.run(i.agencyCode, i.day, i.metric, i.value);
      this.upsertCheckpoint.run(
        projection,
        Number(batch.checkpoint.commit),
        Number(batch.checkpoint.prepare),
        batch.events,
        new Date().toISOString(),
      );
    });
    this.commitTx = (projection, batch) => tx.immediate(projection, batch);
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    const row = this.selectCheckpoint.get(projection);
    return Promise.resolve(
      row && {
        position: { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) },
        events: row.events,
        updatedAt: row.updated_at,
      },
    );
  }

  loadDossiers(codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    const rows = this.selectDossiers.all(JSON.stringify(codes));
    return Promise.resolve(new Map(rows.map((r) => [r.dossier_code, JSON.parse(r.state) as DossierSummary])));
  }

  commit(projection: string, batch: ProjectionBatch): Promise<void> {
    return run(() => this.commitTx(projection, batch));
  }

  totals({ from, to }: DayRange): Promise<AgencyMetricTotal[]> {
    return Promise.resolve(this.sumRange.all(from, to).map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: r.value })));
  }

  openDossiers({ from, to }: DayRange): Promise<AgencyOpenDossiers[]> {
    return run(() => this.openAt.all({ from, to }).map((r) => ({ agencyCode: r.agency_code, carriedOver: r.carried_over, notDue: r.not_due, overdue: r.overdue })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
