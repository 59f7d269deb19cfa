import type { Pool } from 'pg';
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
import { inTransaction, mapPgError } from './transaction';

interface DossierRow {
  dossier_code: string;
  state: DossierSummary;
}

export class PostgresProjectionStore implements ProjectionStore {
  constructor(private readonly pool: Pool) {}

  async readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    try {
      const { rows } = await this.pool.query<{ commit_pos: string; prepare_pos: string; events: string; updated_at: Date }>(
        'SELECT commit_pos::text, prepare_pos, events, updated_at FROM projection_checkpoints WHERE projection = $1',
        [projection],
      );
      const row = rows[0];
      return (
        row && {
          position: { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) },
          events: Number(row.events),
          updatedAt: row.updated_at.toISOString(),
        }
      );
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async loadDossiers(codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    try {
      const { rows } = await this.pool.query<DossierRow>(
        'SELECT dossier_code, state FROM view_dossiers WHERE dossier_code = ANY($1)',
        [codes],
      );
      return new Map(rows.map((r) => [r.dossier_code, r.state]));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async commit(projection: string, batch: ProjectionBatch): Promise<void> {
    // One row per key: ON CONFLICT cannot touch the same row twice in a statement.
    const dossiers = [...new Map(batch.dossiers.map((d) => [d.dossierCode, d])).values()];
    const counts = mergeIncrements(batch.increments);
    await inTransaction(this.pool, async (client) => {
      if (dossiers.length > 0) {
        await client.query(
          `INSERT INTO view_dossiers (dossier_code, state) SELECT * FROM unnest($1::text[], $2::jsonb[])
           ON CONFLICT (dossier_code) DO UPDATE SET state = EXCLUDED.state`,
          [dossiers.map((d) => d.dossierCode), dossiers.map((d) => JSON.stringify(d))],
        );
      }
      if (counts.length > 0) {
        await client.query(
          `INSERT INTO view_daily_counts AS v (agency_code, day, metric, value)
           SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::bigint[])
           ON CONFLICT (day, agency_code, metric) DO UPDATE SET value = v.value + EXCLUDED.value`,
          [counts.map((c) => c.agencyCode), counts.map((c) => c.day), counts.map((c) => c.metric), counts.map((c) => c.value)],
        );
      }
      await client.query(
        `INSERT INTO projection_checkpoints AS c (projection, commit_pos, prepare_pos, events, updated_at)
         VALUES ($1, $2::text::xid8, $3, $4, now())
         ON CONFLICT (projection) DO UPDATE SET commit_pos = EXCLUDED.commit_pos, prepare_pos = EXCLUDED.prepare_pos,
           events = c.events + EXCLUDED.events, updated_at = EXCLUDED.updated_at`,
        [projection, batch.checkpoint.commit.toString(), batch.checkpoint.prepare.toString(), batch.events],
      );
    });
  }

  async totals({ from, to }: DayRange): Promise<AgencyMetricTotal[]> {
    try {
      const { rows } = await this.pool.query<{ agency_code: string; metric: Metric; value: string }>(
        `SELECT agency_code, metric, SUM(value)::text AS value FROM view_daily_counts
          WHERE day BETWEEN $1::date AND $2::date GROUP BY agency_code, metric`,
        [from, to],
      );
      return rows.map((r) => ({ agencyCode: r.agency_code, metric: r.metric, value: Number(r.value) }));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async openDossiers({ from, to }: DayRange): Promise<AgencyOpenDossiers[]> {
    try {
      const { rows } = await this.pool.query<{ agency_code: string; carried_over: string; not_due: string; overdue: string }>(
        `SELECT agency_code,
                count(*) FILTER (WHERE received_day < $1 AND (closed_day IS NULL OR closed_day >= $1)) AS carried_over,
                count(*) FILTER (WHERE received_day <= $2 AND (closed_day IS NULL OR closed_day > $2) AND NOT (due_date IS NOT NULL AND due_date < $2)) AS not_due,
                count(*) FILTER (WHERE received_day <= $2 AND (closed_day IS NULL OR closed_day > $2) AND due_date IS NOT NULL AND due_date < $2) AS overdue
           FROM (SELECT state->>'agencyCode' AS agency_code, state->>'receivedDay' AS received_day,
                        state->>'closedDay' AS closed_day, state->>'dueDate' AS due_date
                   FROM view_dossiers WHERE state->>'status' <> 'refused-at-reception') d
          GROUP BY agency_code`,
        [from, to],
      );
      return rows.map((r) => ({ agencyCode: r.agency_code, carriedOver: Number(r.carried_over), notDue: Number(r.not_due), overdue: Number(r.overdue) }));
    } catch (error) {
      throw mapPgError(error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
