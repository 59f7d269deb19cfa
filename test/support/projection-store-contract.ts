import type { DossierState, ProjectionStore } from '@tthc/core';

import type { Opened } from './opened';
import { openPerTest } from './open-per-test';

export interface ProjectionStoreHarness {
  open(): Promise<Opened<ProjectionStore>>;
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

/** The behaviour every projection-store adapter must show. */
export function projectionStoreContract(name: string, harness: ProjectionStoreHarness): void {
  describe(`projection store contract: ${name}`, () => {
    const store = openPerTest(harness);

    it('has no checkpoint before the first commit, then the last committed one with a running event count', async () => {
      await expect(store().readCheckpoint('daily-counts')).resolves.toBeUndefined();
      await store().commit('daily-counts', { checkpoint: { commit: 5n, prepare: 7n }, dossiers: [], increments: [], events: 7 });
      await store().commit('daily-counts', { checkpoint: { commit: 9n, prepare: 12n }, dossiers: [], increments: [], events: 5 });
      await expect(store().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: { commit: 9n, prepare: 12n }, events: 12 });
      await expect(store().readCheckpoint('other')).resolves.toBeUndefined();
    });

    it('keeps dossier summaries, the last write winning', async () => {
      await store().commit('daily-counts', {
        checkpoint: { commit: 1n, prepare: 1n },
        dossiers: [summary('H36-0000001'), summary('H36-0000002')],
        increments: [],
        events: 2,
      });
      await store().commit('daily-counts', { checkpoint: { commit: 2n, prepare: 2n }, dossiers: [summary('H36-0000001', true)], increments: [], events: 1 });
      const found = await store().loadDossiers(['H36-0000001', 'H36-0000002', 'H36-0000404']);
      expect([...found.keys()].sort()).toEqual(['H36-0000001', 'H36-0000002']);
      expect(found.get('H36-0000001')).toEqual(summary('H36-0000001', true));
    });

    it('counts dossiers open at the edges of a range: carried over, and in progress at the end by due date', async () => {
      const at = (code: string, receivedDay: string, closedDay: string | null, dueDate: string, status: DossierState['status'] = closedDay ? 'resolved' : 'in-progress'): DossierState => ({
        ...summary(code),
        status,
        receivedDay,
        closedDay,
        dueDate,
      });
      await store().commit('daily-counts', {
        checkpoint: { commit: 1n, prepare: 1n },
        dossiers: [
          at('H36-0000001', '2024-03-20', null, '2024-04-10'), // carried over, overdue at the end
          at('H36-0000002', '2024-03-31', '2024-04-01', '2024-04-05'), // carried over, closed inside
          at('H36-0000003', '2024-03-10', '2024-03-31', '2024-03-29'), // closed before the range
          at('H36-0000004', '2024-04-15', null, '2024-04-30'), // received inside, not yet due
          at('H36-0000005', '2024-04-29', '2024-05-02', '2024-05-10'), // open at the end, closes after it
          at('H36-0000006', '2024-05-01', null, '2024-05-10'), // received after the range
          { ...at('H36-0000007', '2024-03-01', '2024-03-02', '2024-03-05'), status: 'refused-at-reception', dueDate: null, closedDay: null },
        ],
        increments: [],
        events: 7,
      });
      await expect(store().openDossiers({ from: '2024-04-01', to: '2024-04-30' })).resolves.toEqual([
        { agencyCode: '000.00.01.H36', carriedOver: 2, notDue: 2, overdue: 1 },
      ]);
    });

    it('adds increments up per agency over any range of days, inclusive at both ends', async () => {
      const inc = (day: string, metric: 'received' | 'resolved.late', value = 1, agencyCode = '000.00.01.H36') => ({ agencyCode, day, metric, value });
      await store().commit('daily-counts', {
        checkpoint: { commit: 1n, prepare: 3n },
        dossiers: [],
        increments: [inc('2023-12-31', 'received'), inc('2024-01-01', 'received'), inc('2024-01-01', 'received'), inc('2024-06-30', 'resolved.late', 4)],
        events: 3,
      });
      await store().commit('daily-counts', {
        checkpoint: { commit: 2n, prepare: 4n },
        dossiers: [],
        increments: [inc('2024-06-30', 'resolved.late', 1), inc('2024-07-01', 'received'), inc('2024-03-01', 'received', 1, '000.00.02.H36')],
        events: 1,
      });
      const totals = await store().totals({ from: '2024-01-01', to: '2024-06-30' });
      expect(totals.sort((a, b) => `${a.agencyCode}${a.metric}`.localeCompare(`${b.agencyCode}${b.metric}`))).toEqual([
        { agencyCode: '000.00.01.H36', metric: 'received', value: 2 },
        { agencyCode: '000.00.01.H36', metric: 'resolved.late', value: 5 },
        { agencyCode: '000.00.02.H36', metric: 'received', value: 1 },
      ]);
    });
  });
}
