import type { DossierSummary } from './dossier-counts';
import type { Metric } from './metrics';
import type { AgencyMetricTotal, AgencyOpenDossiers, DayRange, ProjectionBatch, ProjectionCheckpoint, ProjectionStore } from './projection-store';

export class InMemoryProjectionStore implements ProjectionStore {
  private readonly checkpoints = new Map<string, ProjectionCheckpoint>();
  private readonly dossiers = new Map<string, DossierSummary>();
  private readonly counts = new Map<string, { agencyCode: string; day: string; metric: Metric; value: number }>();

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return Promise.resolve(this.checkpoints.get(projection));
  }

  loadDossiers(codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    const found = new Map<string, DossierSummary>();
    for (const code of codes) {
      const summary = this.dossiers.get(code);
      if (summary) found.set(code, summary);
    }
    return Promise.resolve(found);
  }

  commit(projection: string, batch: ProjectionBatch): Promise<void> {
    for (const d of batch.dossiers) this.dossiers.set(d.dossierCode, d);
    for (const i of batch.increments) {
      const key = `${i.agencyCode}|${i.day}|${i.metric}`;
      const row = this.counts.get(key) ?? { agencyCode: i.agencyCode, day: i.day, metric: i.metric, value: 0 };
      row.value += i.value;
      this.counts.set(key, row);
    }
    const previous = this.checkpoints.get(projection)?.events ?? 0;
    this.checkpoints.set(projection, {
      position: batch.checkpoint,
      events: previous + batch.events,
      updatedAt: new Date().toISOString(),
    });
    return Promise.resolve();
  }

  totals({ from, to }: DayRange): Promise<AgencyMetricTotal[]> {
    const sums = new Map<string, AgencyMetricTotal>();
    for (const row of this.counts.values()) {
      if (row.day < from || row.day > to) continue;
      const key = `${row.agencyCode}|${row.metric}`;
      const prev = sums.get(key);
      sums.set(key, { agencyCode: row.agencyCode, metric: row.metric, value: (prev?.value ?? 0) + row.value });
    }
    return Promise.resolve([...sums.values()]);
  }

  openDossiers({ from, to }: DayRange): Promise<AgencyOpenDossiers[]> {
    const byAgency = new Map<string, { carriedOver: number; notDue: number; overdue: number }>();
    for (const d of this.dossiers.values()) {
      if (d.status === 'refused-at-reception') continue;
      const row = byAgency.get(d.agencyCode) ?? { carriedOver: 0, notDue: 0, overdue: 0 };
      if (d.receivedDay < from && (d.closedDay === null || d.closedDay >= from)) row.carriedOver += 1;
      if (d.receivedDay <= to && (d.closedDay === null || d.closedDay > to)) {
        if (d.dueDate !== null && d.dueDate < to) row.overdue += 1;
        else row.notDue += 1;
      }
      byAgency.set(d.agencyCode, row);
    }
    return Promise.resolve([...byAgency.entries()].map(([agencyCode, r]) => ({ agencyCode, ...r })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
