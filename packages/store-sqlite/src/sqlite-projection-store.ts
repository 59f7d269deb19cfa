import type { Database, Statement } from 'better-sqlite3';
import {
  mergeIncrements,
  type AgencyMetricTotal,
  type DayRange,
  type DossierSummary,
  type Metric,
  type ProjectionBatch,
  type ProjectionCheckpoint,
  type ProjectionStore,
} from '@tthc/core';

interface DossierRow {
  dossier_code: string;
  agency_code: string;
  channel: DossierSummary['channel'];
  service_level: DossierSummary['onlineServiceLevel'];
  due_date: string;
  resolved: number;
}

const toSummary = (r: DossierRow): DossierSummary => ({
  dossierCode: r.dossier_code,
  agencyCode: r.agency_code,
  channel: r.channel,
  onlineServiceLevel: r.service_level,
  dueDate: r.due_date,
  resolved: r.resolved === 1,
});

export class SqliteProjectionStore implements ProjectionStore {
  private readonly selectCheckpoint: Statement<[string], { commit_pos: number; prepare_pos: number; events: number; updated_at: string }>;
  private readonly selectDossiers: Statement<[string], DossierRow>;
  private readonly upsertDossier: Statement<[string, string, string, string, string, number]>;
  private readonly addCount: Statement<[string, string, string, number]>;
  private readonly upsertCheckpoint: Statement<[string, number, number, number, string]>;
  private readonly sumRange: Statement<[string, string], { agency_code: string; metric: Metric; value: number }>;
  private readonly commitTx: (projection: string, batch: ProjectionBatch) => void;

  constructor(db: Database) {
    this.selectCheckpoint = db.prepare('SELECT commit_pos, prepare_pos, events, updated_at FROM projection_checkpoints WHERE projection = ?');
    this.selectDossiers = db.prepare('SELECT * FROM view_dossiers WHERE dossier_code IN (SELECT value FROM json_each(?))');
    this.upsertDossier = db.prepare(
      `INSERT INTO view_dossiers (dossier_code, agency_code, channel, service_level, due_date, resolved) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (dossier_code) DO UPDATE SET agency_code = excluded.agency_code, channel = excluded.channel,
         service_level = excluded.service_level, due_date = excluded.due_date, resolved = excluded.resolved`,
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
    const tx = db.transaction((projection: string, batch: ProjectionBatch) => {
      for (const d of batch.dossiers) {
        this.upsertDossier.run(d.dossierCode, d.agencyCode, d.channel, d.onlineServiceLevel, d.dueDate, d.resolved ? 1 : 0);
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
    return Promise.resolve(new Map(rows.map((r) => [r.dossier_code, toSummary(r)])));
  }

  commit(projection: string, batch: ProjectionBatch): Promise<void> {
    // A throw inside becomes a rejection, as callers of an async port expect.
    return Promise.resolve().then(() => this.commitTx(projection, batch));
  }

  totals({ from, to }: DayRange): Promise<AgencyMetricTotal[]> {
    return Promise.resolve(this.sumRange.all(from, to).map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: r.value })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
