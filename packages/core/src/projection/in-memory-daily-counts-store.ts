import type {
  AgencyMetricTotal,
  AgencyOpenDossiers,
  DailyCountsBatch,
  DailyCountsStore,
  DayRange,
  ReportSnapshot,
  ReportSnapshots,
  ViewCountRow,
  ViewDossierRow,
} from './daily-counts-store';
import { DAILY_COUNTS_PROJECTION, type DossierSummary } from './dossier-counts';
import { InMemoryProjectionStore } from './in-memory-projection-store';
import type { Metric } from './metrics';
import { isOpenMetric, openDossiersFromSums, sumOpenCounters } from './open-dossier-counts';
import type { ProjectionCommitTarget, ProjectionVersionRef } from './projection-store';

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

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The daily-counts port's reference implementation: each version's rows in maps, its versions in `projections`. */
export class InMemoryDailyCountsStore implements DailyCountsStore {
  private readonly rows = new Map<number, VersionRows>();

  constructor(private readonly projections: InMemoryProjectionStore) {}

  private rowsOf(version: number): VersionRows {
    let rows = this.rows.get(version);
    if (!rows) {
      rows = { dossiers: new Map(), counts: new Map() };
      this.rows.set(version, rows);
    }
    return rows;
  }

  private liveRows(): VersionRows {
    const live = this.projections.withStatus(DAILY_COUNTS_PROJECTION, 'live');
    return live ? this.rowsOf(live.version) : { dossiers: new Map(), counts: new Map() };
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

  commit(target: ProjectionCommitTarget, batch: DailyCountsBatch): Promise<void> {
    return this.projections.commitWith(target, batch, (version) => {
      const rows = this.rowsOf(version);
      for (const d of batch.dossiers) rows.dossiers.set(d.dossierCode, d);
      for (const i of batch.increments) {
        const key = `${i.agencyCode}|${i.day}|${i.metric}`;
        const row = rows.counts.get(key) ?? { agencyCode: i.agencyCode, day: i.day, metric: i.metric, value: 0 };
        row.value += i.value;
        rows.counts.set(key, row);
      }
    });
  }

  deleteRetired(): Promise<number> {
    let deleted = 0;
    for (const version of this.projections.retiredVersions()) {
      const rows = this.rows.get(version);
      if (rows) deleted += rows.dossiers.size + rows.counts.size;
      this.rows.delete(version);
    }
    return Promise.resolve(deleted);
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
    const [checkpoint, totals, open] = await Promise.all([
      this.projections.readCheckpoint(DAILY_COUNTS_PROJECTION),
      this.totals(range),
      this.openDossiers(range),
    ]);
    return { checkpoint, totals, open };
  }

  async readReportSnapshots(ranges: readonly DayRange[]): Promise<ReportSnapshots> {
    // As above: nothing runs between the reads, so they are one snapshot.
    const [checkpoint, pieces] = await Promise.all([
      this.projections.readCheckpoint(DAILY_COUNTS_PROJECTION),
      Promise.all(ranges.map(async (range) => ({ range, totals: await this.totals(range), open: await this.openDossiers(range) }))),
    ]);
    return { checkpoint, pieces };
  }

  dumpView(ref: ProjectionVersionRef): Promise<{ counts: ViewCountRow[]; dossiers: ViewDossierRow[] }> {
    const rows = this.rows.get(ref.version);
    const counts = [...(rows?.counts.values() ?? [])].map((r) => ({ ...r })).sort(byKey((r) => `${r.day}|${r.agencyCode}|${r.metric}`));
    const dossiers = [...(rows?.dossiers.values() ?? [])].map((state) => ({ dossierCode: state.dossierCode, state })).sort(byKey((r) => r.dossierCode));
    return Promise.resolve({ counts, dossiers });
  }
}

/** An in-memory projection store and its daily-counts view, as `openStores` gives the other adapters' pair. */
export function inMemoryProjectionStores(): { projectionStore: InMemoryProjectionStore; dailyCountsStore: InMemoryDailyCountsStore } {
  const projectionStore = new InMemoryProjectionStore();
  return { projectionStore, dailyCountsStore: new InMemoryDailyCountsStore(projectionStore) };
}
