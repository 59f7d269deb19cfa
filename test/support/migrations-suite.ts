import {
  openDossiersFromSums,
  sumOpenCounters,
  type DailyCountsStore,
  type LogPosition,
  type ProjectionStore,
  type SchemaStatus,
  type ViewCountRow,
} from '@tthc/core';
import { openCountersOf, STATES_BEFORE_OPEN_COUNTERS } from './open-dossier-states';

/** A row of `view_dossiers` from schema 4 on: version, dossier code, state as JSON text. */
export type DossierStateRow = readonly [version: number, dossierCode: string, state: string];
/** A row of `view_daily_counts` from schema 4 on; of `view_monthly_counts` too, its day the first of the month. */
export type CountRow = readonly [version: number, day: string, agencyCode: string, metric: string, value: number];

/** What a store holds when an older release left it; each part is written in that schema's tables, in this order. */
export interface OlderContents {
  /** Schema 3 (before versioned views): a daily-counts checkpoint of 40 events, dossier H36-1 of agency A in progress, 3 received by A on 2024-03-01. */
  readonly projectedView?: boolean;
  /** Schema 4 on: versions 1 (live) and 2 (building) of daily-counts. */
  readonly versions?: boolean;
  readonly dossierStates?: readonly DossierStateRow[];
  readonly dailyCounts?: readonly CountRow[];
}

/** A store opened by the current code over an older schema. */
export interface MigratedStore {
  readonly schema: SchemaStatus;
  readonly projectionStore: ProjectionStore;
  readonly dailyCountsStore: DailyCountsStore;
  /** Every row of `view_monthly_counts`, by version, month (YYYY-MM-DD), agency and metric; no port reads the table whole. */
  monthlyCounts(): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** How one store's migrations are tried: an older schema made and filled in the store's own SQL, then opened as the current code opens it. */
export interface MigrationsHarness {
  /** A new store at schema `version` (its first `version` migrations run and recorded, as that release left it), holding `contents`, then opened. */
  openAfter(version: number, contents: OlderContents): Promise<MigratedStore>;
  /** Where the checkpoint of `projectedView` stands, in the store's own positions. */
  readonly projectedAt: LogPosition;
  dispose?(): Promise<void>;
}

const byKey = (rows: readonly ViewCountRow[]) =>
  [...rows].sort((a, b) => (`${a.day}|${a.agencyCode}|${a.metric}` < `${b.day}|${b.agencyCode}|${b.metric}` ? -1 : 1));

/** What opening a store that an older release left must do to its data, on every store with migrations. */
export function migrationsSuite(name: string, harness: MigrationsHarness): void {
  describe(`the migrations of an older schema: ${name}`, () => {
    afterAll(async () => {
      await harness.dispose?.();
    });

    it('makes what was projected version 1 of daily-counts, live, with its checkpoint and rows', async () => {
      const stores = await harness.openAfter(3, { projectedView: true });
      try {
        expect(stores.schema.applied).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
        const versions = await stores.projectionStore.listVersions('daily-counts');
        expect(versions).toHaveLength(1);
        expect(versions[0]).toMatchObject({ version: 1, status: 'live', checkpoint: { position: harness.projectedAt, events: 40 } });
        await expect(stores.dailyCountsStore.totals({ from: '2024-01-01', to: '2024-06-30' })).resolves.toEqual([
          { agencyCode: 'A', metric: 'received', value: 3 },
        ]);
        expect((await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 })).dossiers.map((d) => d.dossierCode)).toEqual(['H36-1']);
        // The next version takes the next number.
        await expect(stores.projectionStore.ensureVersion('daily-counts', 'building')).resolves.toMatchObject({ version: 2 });
      } finally {
        await stores.close();
      }
    });

    it('leaves a store that was never projected without versions', async () => {
      const stores = await harness.openAfter(3, {});
      try {
        await expect(stores.projectionStore.listVersions('daily-counts')).resolves.toEqual([]);
        await expect(stores.projectionStore.readCheckpoint('daily-counts')).resolves.toBeUndefined();
      } finally {
        await stores.close();
      }
    });

    it("derives every version's open-dossier counters from its dossier states, as the projection would have written them", async () => {
      const [first] = STATES_BEFORE_OPEN_COUNTERS;
      if (!first) throw new Error('no dossier states to migrate');
      const stores = await harness.openAfter(5, {
        versions: true,
        dossierStates: [
          ...STATES_BEFORE_OPEN_COUNTERS.map((s): DossierStateRow => [1, s.dossierCode, JSON.stringify(s)]),
          [2, first.dossierCode, JSON.stringify(first)],
          [1, 'H36-X', '{"status":"in-progress"}'],
        ],
        dailyCounts: [[1, '2024-03-20', 'A', 'received', 1]],
      });
      try {
        expect(stores.schema.applied).toEqual([6, 7, 8, 9, 10, 11, 12]);
        const expected = openCountersOf(STATES_BEFORE_OPEN_COUNTERS);
        const live = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 });
        expect(byKey(live.counts)).toEqual(byKey([...expected, { agencyCode: 'A', day: '2024-03-20', metric: 'received', value: 1 }]));
        const building = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 2 });
        expect(byKey(building.counts)).toEqual(byKey(openCountersOf(STATES_BEFORE_OPEN_COUNTERS.slice(0, 1))));
        for (const range of [
          { from: '2024-04-01', to: '2024-04-30' },
          { from: '2024-02-29', to: '2024-04-19' },
        ]) {
          await expect(stores.dailyCountsStore.openDossiers(range)).resolves.toEqual(openDossiersFromSums(sumOpenCounters(expected, range)));
        }
        await expect(stores.dailyCountsStore.openDossiers({ from: '2024-04-01', to: '2024-04-30' })).resolves.toEqual([
          { agencyCode: 'A', carriedOver: 2, notDue: 2, overdue: 1 },
          { agencyCode: 'B', carriedOver: 0, notDue: 0, overdue: 0 },
        ]);
      } finally {
        await stores.close();
      }
    });

    it("fills the monthly rollup from every version's daily rows, so that reports over any range keep their figures", async () => {
      const stores = await harness.openAfter(8, {
        versions: true,
        dailyCounts: [
          [1, '2023-12-31', 'A', 'received', 2],
          [1, '2024-01-01', 'A', 'received', 3],
          [1, '2024-01-31', 'A', 'received', -1],
          [1, '2024-02-15', 'B', 'received', 4],
          [1, '2024-01-10', 'A', 'open.received', 2],
          [1, '2024-02-20', 'A', 'open.closed', 1],
          [2, '2024-01-05', 'A', 'received', 7],
        ],
      });
      try {
        expect(stores.schema.applied).toEqual([9, 10, 11, 12]);
        await expect(stores.monthlyCounts()).resolves.toEqual([
          [1, '2023-12-01', 'A', 'received', 2],
          [1, '2024-01-01', 'A', 'open.received', 2],
          [1, '2024-01-01', 'A', 'received', 2],
          [1, '2024-02-01', 'A', 'open.closed', 1],
          [1, '2024-02-01', 'B', 'received', 4],
          [2, '2024-01-01', 'A', 'received', 7],
        ]);
        const { counts } = await stores.dailyCountsStore.dumpView({ projection: 'daily-counts', version: 1 });
        for (const range of [
          { from: '2024-01-01', to: '2024-02-29' },
          { from: '2023-12-31', to: '2024-01-31' },
          { from: '2024-01-15', to: '2024-03-01' },
        ]) {
          const snapshot = await stores.dailyCountsStore.readReportSnapshot(range);
          const received = counts
            .filter((c) => c.agencyCode === 'A' && c.metric === 'received' && c.day >= range.from && c.day <= range.to)
            .reduce((n, c) => n + c.value, 0);
          expect(snapshot.totals.find((t) => t.agencyCode === 'A')?.value).toBe(received);
          expect(snapshot.open).toEqual(openDossiersFromSums(sumOpenCounters(counts, range)));
        }
      } finally {
        await stores.close();
      }
    });
  });
}
