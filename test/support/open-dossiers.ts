import { carriedOverInto, inProgressAtEndOf, type AgencyOpenDossiers, type DayRange, type DossierState } from '@tthc/core';

type Counted = Pick<DossierState, 'status' | 'agencyCode' | 'receivedDay' | 'closedDay' | 'dueDate' | 'handovers'>;

/**
 * A dossier taken over by successors is, to each agency in turn, a dossier received the day it
 * arrived there and closed the day it left (or when it really closed); a hand-over of a closed
 * dossier moved nothing.
 */
function spansOf(d: Counted): Counted[] {
  const spans: Counted[] = [];
  let current: Counted = { ...d, handovers: [] };
  for (const h of d.handovers ?? []) {
    if (h.afterClose) break;
    spans.push({ ...current, closedDay: h.day });
    current = { ...current, agencyCode: h.agencyCode, receivedDay: h.day, closedDay: d.closedDay };
  }
  return [...spans, current];
}

/**
 * The open dossiers of each agency that has any dossier not refused at reception, by the core's
 * definition, straight from the dossiers' last states: what the projection's counters must sum to.
 */
export function openDossiersByDefinition(states: Iterable<Counted>, range: DayRange): AgencyOpenDossiers[] {
  const byAgency = new Map<string, { carriedOver: number; notDue: number; overdue: number }>();
  for (const d of [...states].flatMap(spansOf)) {
    if (d.status === 'refused-at-reception') continue;
    const row = byAgency.get(d.agencyCode) ?? { carriedOver: 0, notDue: 0, overdue: 0 };
    if (carriedOverInto(d, range)) row.carriedOver += 1;
    const atEnd = inProgressAtEndOf(d, range);
    if (atEnd) row[atEnd] += 1;
    byAgency.set(d.agencyCode, row);
  }
  return [...byAgency.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([agencyCode, r]) => ({ agencyCode, ...r }));
}
