import { mergeIncrements, openCountsOf, type CountIncrement, type DossierState } from '@tthc/core';

const state = (
  dossierCode: string,
  agencyCode: string,
  receivedDay: string,
  closedDay: string | null,
  dueDate: string | null,
  refused = false,
): DossierState => ({
  dossierCode,
  status: refused ? 'refused-at-reception' : closedDay ? 'resolved' : 'in-progress',
  procedureCode: '1.002835',
  agencyCode,
  receivingAgencyCode: agencyCode,
  channel: 'online',
  onlineServiceLevel: 'full-process',
  receivedDay,
  receivedAt: `${receivedDay}T08:30:00+07:00`,
  dueDate,
  apologyDate: null,
  finishedDay: closedDay,
  timeliness: null,
  outcome: closedDay ? 'approved' : null,
  closedDay,
});

/**
 * Dossier states that a view projected before the open-dossier counters holds, for the migrations
 * that derive the counters from them: every case of the counters, days out of order included.
 */
export const STATES_BEFORE_OPEN_COUNTERS: readonly DossierState[] = [
  state('H36-1', 'A', '2024-03-20', null, '2024-04-10'),
  state('H36-2', 'A', '2024-03-31', '2024-04-01', '2024-04-05'),
  state('H36-3', 'A', '2024-03-10', '2024-03-31', '2024-03-29'),
  state('H36-4', 'A', '2024-04-15', null, '2024-04-30'),
  state('H36-5', 'A', '2024-04-29', '2024-05-02', '2024-05-10'),
  state('H36-6', 'B', '2024-05-01', null, null),
  state('H36-7', 'B', '2024-04-20', '2024-04-18', '2024-04-12'), // closed and due before received
  state('H36-8', 'B', '2024-02-28', '2024-02-29', '2024-02-28'), // leap day
  state('H36-9', 'C', '2024-03-01', null, '2024-03-05', true), // refused at reception: counted nowhere
];

/** The counters the projection would have written for those states: what a migration must produce. */
export function openCountersOf(states: readonly DossierState[]): CountIncrement[] {
  return mergeIncrements(states.flatMap((s) => openCountsOf(s))).sort((a, b) =>
    `${a.day}|${a.agencyCode}|${a.metric}` < `${b.day}|${b.agencyCode}|${b.metric}` ? -1 : 1,
  );
}
