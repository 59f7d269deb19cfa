import {
  dayNumber,
  dayOfNumber,
  isOpenMetric,
  OPEN_METRICS,
  openCountChanges,
  openCountsOf,
  openDossiersFromSums,
  sumOpenCounters,
  type CountIncrement,
  type DayRange,
  type DossierState,
  type DailyCountsBatch,
} from '@tthc/core';
import type { ProjectionStores } from '@tthc/projector';
import { sleep } from '@tthc/retry';

import type { Opened } from './opened';
import { openPerTest } from './open-per-test';

export interface DailyCountsStoreHarness {
  /** An adapter's projection store and its daily-counts store, on one fresh store. */
  open(): Promise<Opened<ProjectionStores>>;
  dispose?(): Promise<void>;
}

const summary = (dossierCode: string, resolved = false): DossierState => ({
  dossierCode,
  status: resolved ? 'resolved' : 'in-progress',
  procedureCode: '1.002835',
  agencyCode: '000.00.01.H36',
  receivingAgencyCode: '000.00.01.H36',
  channel: 'online',
  onlineServiceLevel: 'full-process',
  receivedDay: '2024-03-15',
  receivedAt: '2024-03-15T08:30:00+07:00',
  dueDate: '2024-03-22',
  apologyDate: null,
  finishedDay: resolved ? '2024-03-21' : null,
  timeliness: resolved ? 'early' : null,
  outcome: resolved ? 'approved' : null,
  closedDay: resolved ? '2024-03-21' : null,
});

const inc = (day: string, metric: 'received' | 'resolved.late', value = 1, agencyCode = '000.00.01.H36'): CountIncrement => ({
  agencyCode,
  day,
  metric,
  value,
});
const H1 = { from: '2024-01-01', to: '2024-06-30' };
const sorted = <T extends { agencyCode: string; metric: string }>(rows: T[]) =>
  rows.sort((a, b) => `${a.agencyCode}${a.metric}`.localeCompare(`${b.agencyCode}${b.metric}`));
/** The batch with its dossiers' open-dossier counters added, as the projection adds them for new dossiers. */
const counted = (batch: DailyCountsBatch): DailyCountsBatch => ({
  ...batch,
  increments: [...batch.increments, ...batch.dossiers.flatMap((d) => openCountsOf(d))],
});

/**
 * The behaviour every daily-counts store adapter must show, with the projection store of the same
 * adapter keeping its versions: rows and checkpoint commit together, reads follow the live version.
 */
export function dailyCountsStoreContract(name: string, harness: DailyCountsStoreHarness): void {
  describe(`daily-counts store contract: ${name}`, () => {
    const store = openPerTest(harness);
    const versions = () => store().projectionStore;
    const views = () => store().dailyCountsStore;
    const live = () => versions().ensureVersion('daily-counts', 'live');
    const at = (position: number) => ({ commit: BigInt(position), prepare: BigInt(position) });

    describe('the view', () => {
      it('keeps dossier summaries, the last write winning', async () => {
        const v = await live();
        await views().commit(v, { checkpoint: at(1), dossiers: [summary('H36-0000001'), summary('H36-0000002')], increments: [], events: 2 });
        await views().commit(v, { checkpoint: at(2), dossiers: [summary('H36-0000001', true)], increments: [], events: 1 });
        const found = await views().loadDossiers(v, ['H36-0000001', 'H36-0000002', 'H36-0000404']);
        expect([...found.keys()].sort()).toEqual(['H36-0000001', 'H36-0000002']);
        expect(found.get('H36-0000001')).toEqual(summary('H36-0000001', true));
      });

      it('counts dossiers open at the edges of a range: carried over, and in progress at the end by due date', async () => {
        const open = (code: string, receivedDay: string, closedDay: string | null, dueDate: string): DossierState => ({
          ...summary(code),
          status: closedDay ? 'resolved' : 'in-progress',
          receivedDay,
          closedDay,
          dueDate,
        });
        const v = await live();
        await views().commit(
          v,
          counted({
            checkpoint: at(1),
            dossiers: [
              open('H36-0000001', '2024-03-20', null, '2024-04-10'), // carried over, overdue at the end
              open('H36-0000002', '2024-03-31', '2024-04-01', '2024-04-05'), // carried over, closed inside
              open('H36-0000003', '2024-03-10', '2024-03-31', '2024-03-29'), // closed before the range
              open('H36-0000004', '2024-04-15', null, '2024-04-30'), // received inside, not yet due
              open('H36-0000005', '2024-04-29', '2024-05-02', '2024-05-10'), // open at the end, closes after it
              open('H36-0000006', '2024-05-01', null, '2024-05-10'), // received after the range
              open('H36-0000007', '2024-04-29', null, '2024-04-30'), // due on the last day: not yet overdue
              { ...open('H36-0000008', '2024-03-01', '2024-03-02', '2024-03-05'), status: 'refused-at-reception', dueDate: null, closedDay: null },
              { ...open('H36-0000009', '2024-04-02', null, '2024-04-09'), agencyCode: '000.00.02.H36' },
            ],
            increments: [],
            events: 9,
          }),
        );
        // Later batches move counters: one dossier closes inside the range, the other agency's only dossier is refused.
        const before1 = open('H36-0000001', '2024-03-20', null, '2024-04-10');
        const before9 = { ...open('H36-0000009', '2024-04-02', null, '2024-04-09'), agencyCode: '000.00.02.H36' };
        await views().commit(v, {
          checkpoint: at(2),
          dossiers: [],
          increments: [
            ...openCountChanges(before1, open('H36-0000001', '2024-03-20', '2024-04-20', '2024-04-10')),
            ...openCountChanges(before9, { ...before9, status: 'refused-at-reception' }),
          ],
          events: 2,
        });
        await expect(views().openDossiers({ from: '2024-04-01', to: '2024-04-30' })).resolves.toEqual([
          { agencyCode: '000.00.01.H36', carriedOver: 2, notDue: 3, overdue: 0 },
        ]);
        // Any range: before H36-0000001 closed it was overdue on 2024-04-15.
        await expect(views().openDossiers({ from: '2024-03-15', to: '2024-04-15' })).resolves.toEqual([
          { agencyCode: '000.00.01.H36', carriedOver: 1, notDue: 1, overdue: 1 },
        ]);
        // The counters are not event counts: totals leave them out.
        await expect(views().totals({ from: '2024-01-01', to: '2024-12-31' })).resolves.toEqual([]);
      });

      it('adds increments up per agency over any range of days, inclusive at both ends', async () => {
        const v = await live();
        await views().commit(v, {
          checkpoint: { commit: 1n, prepare: 3n },
          dossiers: [],
          increments: [inc('2023-12-31', 'received'), inc('2024-01-01', 'received'), inc('2024-01-01', 'received'), inc('2024-06-30', 'resolved.late', 4)],
          events: 3,
        });
        await views().commit(v, {
          checkpoint: { commit: 2n, prepare: 4n },
          dossiers: [],
          increments: [inc('2024-06-30', 'resolved.late', 1), inc('2024-07-01', 'received'), inc('2024-03-01', 'received', 1, '000.00.02.H36')],
          events: 1,
        });
        expect(sorted(await views().totals(H1))).toEqual([
          { agencyCode: '000.00.01.H36', metric: 'received', value: 2 },
          { agencyCode: '000.00.01.H36', metric: 'resolved.late', value: 5 },
          { agencyCode: '000.00.02.H36', metric: 'received', value: 1 },
        ]);
      });

      it('sums any range of days, whole months or not, as its daily rows add up, after increments of either sign', async () => {
        // A seeded generator: a failure repeats run after run.
        let seed = 16;
        const random = (n: number) => {
          seed = (seed * 48_271) % 2_147_483_647; // Park–Miller: the product stays exact in a double
          return seed % n;
        };
        const first = dayNumber('2023-11-20');
        const dayAt = (n: number) => dayOfNumber(first + n);
        const SPAN = 480; // to 2025-03: two year ends, months of every length
        const metrics = ['received', 'resolved.late', ...OPEN_METRICS] as const;
        const agencies = ['000.00.01.H36', '000.00.02.H36', '000.00.03.H36'];
        const v = await live();
        for (let batch = 1; batch <= 6; batch += 1) {
          const increments = Array.from({ length: 150 }, (): CountIncrement => ({
            agencyCode: agencies[random(agencies.length)] as string,
            day: dayAt(random(SPAN)),
            metric: metrics[random(metrics.length)] as CountIncrement['metric'],
            // Negative too: a dossier's old counters are taken out when it moves (openCountChanges).
            value: random(5) - 2,
          }));
          await views().commit(v, { checkpoint: at(batch), dossiers: [], increments, events: 150 });
        }
        const { counts } = await views().dumpView(v);
        const ranges: DayRange[] = [
          H1,
          { from: '2024-02-15', to: '2024-02-15' },
          { from: '2024-03-01', to: '2024-03-01' },
          { from: '2024-01-31', to: '2024-01-31' },
          { from: '2023-12-01', to: '2024-01-31' },
          { from: '2023-12-31', to: '2024-01-01' },
          { from: '2024-12-15', to: '2025-01-20' },
          { from: '2024-02-29', to: '2024-03-31' },
          { from: '2024-04-02', to: '2024-04-29' },
          { from: '2023-01-01', to: '2026-12-31' },
          { from: '2024-05-10', to: '2024-05-09' },
          { from: '2024-01-01', to: '2024-03-01' },
          { from: '2024-01-31', to: '2024-04-01' },
          { from: '2024-11-30', to: '2025-02-28' },
        ];
        for (let i = 0; i < 60; i += 1) {
          const a = random(SPAN + 20) - 10;
          ranges.push({ from: dayAt(a), to: dayAt(a + random(i < 30 ? 40 : 400)) });
        }
        for (const range of ranges) {
          const expected = new Map<string, number>();
          for (const r of counts) {
            if (r.day < range.from || r.day > range.to || isOpenMetric(r.metric)) continue;
            const key = `${r.agencyCode}|${r.metric}`;
            expected.set(key, (expected.get(key) ?? 0) + r.value);
          }
          const snapshot = await views().readReportSnapshot(range);
          const totals = new Map(snapshot.totals.map((t) => [`${t.agencyCode}|${t.metric}`, t.value]));
          expect({ range, totals: [...totals].sort() }).toEqual({ range, totals: [...expected].sort() });
          expect({ range, open: snapshot.open }).toEqual({ range, open: openDossiersFromSums(sumOpenCounters(counts, range)) });
        }
        // Several ranges in one snapshot: each piece as its own read gives it.
        const some = ranges.slice(0, 12);
        const together = await views().readReportSnapshots(some);
        expect(together.pieces.map((p) => p.range)).toEqual(some);
        for (const piece of together.pieces) {
          const alone = await views().readReportSnapshot(piece.range);
          expect({ range: piece.range, totals: piece.totals, open: piece.open }).toEqual({ range: piece.range, totals: alone.totals, open: alone.open });
          expect(together.checkpoint).toEqual(alone.checkpoint);
        }
      });

      it('lists every row of a version, counts by day, agency and metric and dossiers by code', async () => {
        const v = await live();
        await views().commit(v, {
          checkpoint: at(3),
          dossiers: [summary('H36-0000002'), summary('H36-0000001', true)],
          increments: [
            inc('2024-02-01', 'received', 1, '000.00.02.H36'),
            inc('2024-02-01', 'received'),
            inc('2024-01-31', 'resolved.late', 2),
            inc('2024-02-01', 'received'),
          ],
          events: 3,
        });
        await expect(views().dumpView(v)).resolves.toEqual({
          counts: [
            { agencyCode: '000.00.01.H36', day: '2024-01-31', metric: 'resolved.late', value: 2 },
            { agencyCode: '000.00.01.H36', day: '2024-02-01', metric: 'received', value: 2 },
            { agencyCode: '000.00.02.H36', day: '2024-02-01', metric: 'received', value: 1 },
          ],
          dossiers: [
            { dossierCode: 'H36-0000001', state: summary('H36-0000001', true) },
            { dossierCode: 'H36-0000002', state: summary('H36-0000002') },
          ],
        });
      });
    });

    describe('versions', () => {
      it('keeps versions isolated: rows and checkpoint of one are not seen in another, and reports read only the live one', async () => {
        const v1 = await live();
        const v2 = await versions().ensureVersion('daily-counts', 'building');
        await views().commit(v1, { checkpoint: at(4), dossiers: [summary('H36-0000001')], increments: [inc('2024-03-01', 'received')], events: 4 });
        await views().commit(v2, { checkpoint: at(2), dossiers: [summary('H36-0000002')], increments: [inc('2024-03-01', 'received', 7)], events: 2 });
        await expect(views().loadDossiers(v1, ['H36-0000001', 'H36-0000002'])).resolves.toEqual(new Map([['H36-0000001', summary('H36-0000001')]]));
        await expect(views().loadDossiers(v2, ['H36-0000001', 'H36-0000002'])).resolves.toEqual(new Map([['H36-0000002', summary('H36-0000002')]]));
        await expect(views().totals(H1)).resolves.toEqual([{ agencyCode: '000.00.01.H36', metric: 'received', value: 1 }]);
        await expect(versions().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: at(4), events: 4 });
        // Checkpoint per version.
        await expect(versions().readVersion(v1)).resolves.toMatchObject({ checkpoint: { position: at(4), events: 4 } });
        await expect(versions().readVersion(v2)).resolves.toMatchObject({ checkpoint: { position: at(2), events: 2 } });
        await expect(versions().readVersion({ projection: 'daily-counts', version: 999 })).resolves.toBeUndefined();
        expect((await views().dumpView(v2)).counts).toEqual([{ agencyCode: '000.00.01.H36', day: '2024-03-01', metric: 'received', value: 7 }]);
      });

      it('switches reads to the new version atomically: every read sees the old view or the new one, never a mix', async () => {
        const v1 = await live();
        const v2 = await versions().ensureVersion('daily-counts', 'building');
        const many = (value: number) =>
          Array.from({ length: 40 }, (_, i) => inc(`2024-02-${String((i % 28) + 1).padStart(2, '0')}`, 'received', value, `000.00.${i}.H36`));
        await views().commit(v1, { checkpoint: at(10), dossiers: [], increments: many(1), events: 10 });
        await views().commit(v2, counted({ checkpoint: at(11), dossiers: [summary('H36-0000009')], increments: many(2), events: 11 }));
        const seen = new Set<number>();
        const reads = { on: true };
        const reading = (async () => {
          while (reads.on) {
            await new Promise((resolve) => setImmediate(resolve));
            const values = new Set((await views().totals(H1)).map((t) => t.value));
            expect(values.size).toBe(1);
            for (const value of values) seen.add(value);
          }
        })();
        // Switch only once the old view has been read, however slow the machine.
        for (let waited = 0; !seen.has(1) && waited < 5000; waited += 1) await sleep(1);
        await expect(versions().switchLive(v2)).resolves.toEqual({ retired: v1.version });
        reads.on = false;
        await reading;
        expect([...seen]).toContain(1);
        expect(new Set((await views().totals(H1)).map((t) => t.value))).toEqual(new Set([2]));
        await expect(versions().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: at(11), events: 11 });
        await expect(views().openDossiers(H1)).resolves.toEqual([{ agencyCode: '000.00.01.H36', carriedOver: 0, notDue: 0, overdue: 1 }]);
        expect((await versions().listVersions('daily-counts')).map((v) => [v.version, v.status])).toEqual([
          [v1.version, 'retired'],
          [v2.version, 'live'],
        ]);
        // Switching the live version again changes nothing.
        await expect(versions().switchLive(v2)).resolves.toEqual({ retired: undefined });
      });

      it('reads a report from one snapshot: its totals and open dossiers are those of its checkpoint, while commits and a switch go on', async () => {
        // Every event here is one dossier received and still open (overdue at the period's end), so in
        // any one snapshot: received = overdue = the checkpoint's events. Reads that straddled a commit
        // or the switch would break that.
        const code = (n: number) => `H36-${String(n).padStart(7, '0')}`;
        const one = (n: number) => counted({ checkpoint: at(n), dossiers: [summary(code(n))], increments: [inc('2024-03-01', 'received')], events: 1 });
        const v1 = await live();
        const v2 = await versions().ensureVersion('daily-counts', 'building');
        const built = 200;
        await views().commit(
          v2,
          counted({
            checkpoint: at(built),
            dossiers: Array.from({ length: built }, (_, i) => summary(code(10_000 + i))),
            increments: [inc('2024-03-01', 'received', built)],
            events: built,
          }),
        );
        const seen = new Set<number>();
        const mixed: unknown[] = [];
        const writing = { on: true };
        const reading = (async () => {
          while (writing.on) {
            const snap = await views().readReportSnapshot(H1);
            const events = snap.checkpoint?.events ?? 0;
            const received = snap.totals.filter((t) => t.metric === 'received').reduce((sum, t) => sum + t.value, 0);
            const overdue = snap.open.reduce((sum, o) => sum + o.overdue, 0);
            if (received !== events || overdue !== events) mixed.push({ events, received, overdue });
            // Pieces of a period read together reflect one checkpoint as well.
            const pieces = await views().readReportSnapshots([
              { from: H1.from, to: '2024-02-29' },
              { from: '2024-03-01', to: H1.to },
            ]);
            const inPieces = pieces.pieces.flatMap((p) => p.totals).reduce((sum, t) => sum + (t.metric === 'received' ? t.value : 0), 0);
            if (inPieces !== (pieces.checkpoint?.events ?? 0)) mixed.push({ pieces: pieces.checkpoint?.events, received: inPieces });
            seen.add(events);
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        // The writer yields between commits, so that reads fall between them on every adapter.
        const next = () => new Promise((resolve) => setImmediate(resolve));
        try {
          for (let n = 1; n <= 40; n += 1) {
            await views().commit(v1, one(n));
            await next();
          }
          await versions().switchLive(v2);
          for (let n = built + 1; n <= built + 40; n += 1) {
            await views().commit(v2, one(n));
            await next();
          }
        } finally {
          writing.on = false;
          await reading;
        }
        expect(mixed).toEqual([]);
        // The reads overlapped the commits and the switch, or the test proved nothing.
        expect(seen.size).toBeGreaterThan(2);
        expect([...seen].some((events) => events > built)).toBe(true);
        const last = await views().readReportSnapshot(H1);
        expect(last.checkpoint).toMatchObject({ position: at(built + 40), events: built + 40 });
        expect(last.totals).toEqual([{ agencyCode: '000.00.01.H36', metric: 'received', value: built + 40 }]);
        expect(last.open).toEqual([{ agencyCode: '000.00.01.H36', carriedOver: 0, notDue: 0, overdue: built + 40 }]);
      });

      it('reads an empty report before anything was projected', async () => {
        await expect(views().readReportSnapshot(H1)).resolves.toEqual({ checkpoint: undefined, totals: [], open: [] });
      });

      it('refuses commits to a retired version, and deletes its rows while the live version keeps its own', async () => {
        const v1 = await live();
        await views().commit(v1, { checkpoint: at(1), dossiers: [summary('H36-0000001')], increments: [inc('2024-03-01', 'received')], events: 1 });
        const v2 = await versions().ensureVersion('daily-counts', 'building');
        await views().commit(v2, { checkpoint: at(1), dossiers: [summary('H36-0000001')], increments: [inc('2024-03-01', 'received')], events: 1 });
        await versions().switchLive(v2);
        await expect(views().commit(v1, { checkpoint: at(2), dossiers: [], increments: [], events: 1 })).rejects.toMatchObject({
          code: 'PROJECTION_VERSION_RETIRED',
        });
        expect((await views().dumpView(v1)).counts).toHaveLength(1);
        await expect(views().deleteRetired()).resolves.toBe(2);
        await expect(views().dumpView(v1)).resolves.toEqual({ counts: [], dossiers: [] });
        expect((await views().dumpView(v2)).dossiers).toHaveLength(1);
        await expect(views().deleteRetired()).resolves.toBe(0);
        // The retired version's record, its refused switch and the next version's number: projection-store-contract.
      });
    });

    describe('leases', () => {
      it('lets another owner take an expired lease, after which the first owner can neither renew nor commit', async () => {
        const v = await live();
        await versions().acquireLease(v, 'runner-a', 150);
        await views().commit({ ...v, owner: 'runner-a' }, { checkpoint: at(1), dossiers: [], increments: [inc('2024-03-01', 'received')], events: 1 });
        await sleep(300);
        await expect(versions().acquireLease(v, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: true });
        await expect(versions().renewLease(v, 'runner-a', 30_000)).resolves.toBe(false);
        const lost = views().commit(
          { ...v, owner: 'runner-a' },
          { checkpoint: at(2), dossiers: [summary('H36-0000001')], increments: [inc('2024-03-01', 'received')], events: 1 },
        );
        await expect(lost).rejects.toMatchObject({ code: 'PROJECTION_LEASE_LOST', holder: 'runner-b' });
        // Nothing of the refused batch was written.
        await expect(versions().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: at(1), events: 1 });
        await expect(views().dumpView(v)).resolves.toEqual({
          counts: [{ agencyCode: '000.00.01.H36', day: '2024-03-01', metric: 'received', value: 1 }],
          dossiers: [],
        });
      });
    });
  });
}
