import { carriedOverInto, inProgressAtEndOf, type AgencyOpenDossiers, type DayRange, type DossierState } from '@tthc/core';

type Counted = Pick<DossierState, 'status' | 'agencyCode' | 'receivedDay' | 'closedDay' | 'dueDate'>;

/**
 * The open dossiers of each agency that has any dossier not refused at reception, by the core's
 * definition, straight from the dossiers' last states: what the projection's counters must sum to.
 */
export function openDossiersByDefinition(states: Iterable<Counted>, range: DayRange): AgencyOpenDossiers[] {
  const byAgency = new Map<string, { carriedOver: number; notDue: number; overdue: number }>();
  for (const d of states) {
    if (d.status === 'refused-at-reception') continue;
    const row = byAgency.get(d.agencyCode) ?? { carriedOver: 0, notDue: 0, overdue: 0 };
    if (carriedOverInto(d, range)) row.carriedOver += 1;
    const atEnd = inProgressAtEndOf(d, range);
    if (atEnd) row[atEnd] += 1;
    byAgency.set(d.agencyCode, row);
  }
  return [...byAgency.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([agencyCode, r]) => ({ agencyCode, ...r }));
}
