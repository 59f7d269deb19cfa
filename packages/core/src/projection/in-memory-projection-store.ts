import type { DossierSummary } from './dossier-counts';
import type { Metric } from './metrics';
import {
  ProjectionLeaseLostError,
  ProjectionVersionNotFoundError,
  ProjectionVersionRetiredError,
  type AgencyMetricTotal,
  type AgencyOpenDossiers,
  type DayRange,
  type LeaseOutcome,
  type ProjectionBatch,
  type ProjectionCheckpoint,
  type ProjectionCommitTarget,
  type ProjectionStore,
  type ProjectionVersion,
  type ProjectionVersionRef,
  type ReportSnapshot,
  type ViewCountRow,
  type ViewDossierRow,
} from './projection-store';
import { DAILY_COUNTS_PROJECTION } from './dossier-counts';
import { isOpenMetric, openDossiersFromSums, sumOpenCounters } from './open-dossier-counts';

interface CountRow {
  agencyCode: string;
  day: string;
  metric: Metric;
  value: number;
}

interface VersionRows {
  readonly dossiers: Map<string, DossierSummary>;
  readonly counts: Map<string, CountRow>;
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The port's reference implementation: versions, rows and leases in maps, times from the local clock. */
export class InMemoryProjectionStore implements ProjectionStore {
  private readonly versions = new Map<number, ProjectionVersion>();
  private readonly rows = new Map<number, VersionRows>();

  private rowsOf(version: number): VersionRows {
    let rows = this.rows.get(version);
    if (!rows) {
      rows = { dossiers: new Map(), counts: new Map() };
      this.rows.set(version, rows);
    }
    return rows;
  }

  private find(ref: ProjectionVersionRef): ProjectionVersion {
    const v = this.versions.get(ref.version);
    if (!v || v.projection !== ref.projection) throw new ProjectionVersionNotFoundError(ref);
    return v;
  }

  private withStatus(projection: string, status: ProjectionVersion['status']): ProjectionVersion | undefined {
    return [...this.versions.values()].find((v) => v.projection === projection && v.status === status);
  }

  private liveRows(): VersionRows {
    const live = this.withStatus(DAILY_COUNTS_PROJECTION, 'live');
    return live ? this.rowsOf(live.version) : { dossiers: new Map(), counts: new Map() };
  }

  readCheckpoint(projection: string): Promise<ProjectionCheckpoint | undefined> {
    return Promise.resolve(this.withStatus(projection, 'live')?.checkpoint);
  }

  readVersion(ref: ProjectionVersionRef): Promise<ProjectionVersion | undefined> {
    const v = this.versions.get(ref.version);
    return Promise.resolve(v?.projection === ref.projection ? v : undefined);
  }

  listVersions(projection: string): Promise<ProjectionVersion[]> {
    return Promise.resolve([...this.versions.values()].filter((v) => v.projection === projection).sort((a, b) => a.version - b.version));
  }

  ensureVersion(projection: string, status: 'live' | 'building'): Promise<ProjectionVersion> {
    const existing = this.withStatus(projection, status);
    if (existing) return Promise.resolve(existing);
    const now = new Date().toISOString();
    const version: ProjectionVersion = {
      projection,
      version: Math.max(0, ...this.versions.keys()) + 1,
      status,
      checkpoint: undefined,
      startedAt: now,
      updatedAt: now,
      rate: undefined,
      lease: undefined,
    };
    this.versions.set(version.version, version);
    return Promise.resolve(version);
  }

  loadDossiers(ref: ProjectionVersionRef, codes: readonly string[]): Promise<Map<string, DossierSummary>> {
    const dossiers = this.rowsOf(ref.version).dossiers;
    const found = new Map<string, DossierSummary>();
    for (const code of codes) {
      const summary = dossiers.get(code);
      if (summary) found.set(code, summary);
    }
    return Promise.resolve(found);
  }

  commit(target: ProjectionCommitTarget, batch: ProjectionBatch): Promise<void> {
    return Promise.resolve().then(() => {
      const v = this.find(target);
      if (v.status === 'retired') throw new ProjectionVersionRetiredError(target);
      if (target.owner !== undefined && v.lease?.owner !== target.owner) throw new ProjectionLeaseLostError(target, target.owner, v.lease?.owner);
      const rows = this.rowsOf(v.version);
      for (const d of batch.dossiers) rows.dossiers.set(d.dossierCode, d);
      for (const i of batch.increments) {
        const key = `${i.agencyCode}|${i.day}|${i.metric}`;
        const row = rows.counts.get(key) ?? { agencyCode: i.agencyCode, day: i.day, metric: i.metric, value: 0 };
        row.value += i.value;
        rows.counts.set(key, row);
      }
      const now = new Date().toISOString();
      this.versions.set(v.version, {
        ...v,
        checkpoint: { position: batch.checkpoint, events: (v.checkpoint?.events ?? 0) + batch.events, updatedAt: now },
        updatedAt: now,
        rate: batch.rate ?? v.rate,
      });
    });
  }

  switchLive(ref: ProjectionVersionRef, owner?: string): Promise<{ retired: number | undefined }> {
    return Promise.resolve().then(() => {
      const next = this.find(ref);
      if (next.status === 'live') return { retired: undefined };
      if (next.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      if (owner !== undefined && next.lease?.owner !== owner) throw new ProjectionLeaseLostError(ref, owner, next.lease?.owner);
      const now = new Date().toISOString();
      const live = this.withStatus(ref.projection, 'live');
      if (live) this.versions.set(live.version, { ...live, status: 'retired', updatedAt: now });
      this.versions.set(next.version, { ...next, status: 'live', updatedAt: now });
      return { retired: live?.version };
    });
  }

  deleteRetired(projection: string): Promise<number> {
    let deleted = 0;
    for (const v of this.versions.values()) {
      if (v.projection !== projection || v.status !== 'retired') continue;
      const rows = this.rows.get(v.version);
      if (rows) deleted += rows.dossiers.size + rows.counts.size;
      this.rows.delete(v.version);
    }
    return Promise.resolve(deleted);
  }

  acquireLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<LeaseOutcome> {
    return Promise.resolve().then((): LeaseOutcome => {
      const v = this.find(ref);
      if (v.status === 'retired') throw new ProjectionVersionRetiredError(ref);
      const now = Date.now();
      if (v.lease && v.lease.owner !== owner && Date.parse(v.lease.expiresAt) >= now) return { acquired: false, holder: v.lease };
      const lease = { owner, expiresAt: new Date(now + ttlMs).toISOString() };
      this.versions.set(v.version, { ...v, lease });
      return { acquired: true, lease };
    });
  }

  renewLease(ref: ProjectionVersionRef, owner: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve().then(() => {
      const v = this.find(ref);
      if (v.lease?.owner !== owner) return false;
      this.versions.set(v.version, { ...v, lease: { owner, expiresAt: new Date(Date.now() + ttlMs).toISOString() } });
      return true;
    });
  }

  releaseLease(ref: ProjectionVersionRef, owner: string): Promise<void> {
    const v = this.versions.get(ref.version);
    if (v?.projection === ref.projection && v.lease?.owner === owner) this.versions.set(v.version, { ...v, lease: undefined });
    return Promise.resolve();
  }

  totals({ from, to }: DayRange): Promise<AgencyMetricTotal[]> {
    const sums = new Map<string, AgencyMetricTotal>();
    for (const row of this.liveRows().counts.values()) {
      if (row.day < from || row.day > to || isOpenMetric(row.metric)) continue;
      const key = `${row.agencyCode}|${row.metric}`;
      const prev = sums.get(key);
      sums.set(key, { agencyCode: row.agencyCode, metric: row.metric, value: (prev?.value ?? 0) + row.value });
    }
    return Promise.resolve([...sums.values()]);
  }

  openDossiers(range: DayRange): Promise<AgencyOpenDossiers[]> {
    return Promise.resolve(openDossiersFromSums(sumOpenCounters(this.liveRows().counts.values(), range)));
  }

  async readReportSnapshot(range: DayRange): Promise<ReportSnapshot> {
    // Each read computes its result when called, before anything can run between them: one snapshot.
    const [checkpoint, totals, open] = await Promise.all([this.readCheckpoint(DAILY_COUNTS_PROJECTION), this.totals(range), this.openDossiers(range)]);
    return { checkpoint, totals, open };
  }

  dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    const rows = this.rows.get(ref.version);
    const counts = [...(rows?.counts.values() ?? [])].map((r) => ({ ...r })).sort(byKey((r) => `${r.day}|${r.agencyCode}|${r.metric}`));
    const dossiers = [...(rows?.dossiers.values() ?? [])].map((state) => ({ dossierCode: state.dossierCode, state })).sort(byKey((r) => r.dossierCode));
    return Promise.resolve({ counts, dossiers });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
