import type { DossierSummary } from '@tthc/core';
import { DossierStates } from './project-batch';

const summary = (dossierCode: string, status: DossierSummary['status']): DossierSummary => ({
  dossierCode,
  status,
  procedureCode: '1.001',
  agencyCode: 'A',
  receivingAgencyCode: 'A',
  channel: 'online',
  onlineServiceLevel: null,
  receivedDay: '2024-01-02',
  receivedAt: '2024-01-02T01:00:00Z',
  dueDate: '2024-01-10',
  apologyDate: null,
  finishedDay: null,
  timeliness: null,
  outcome: null,
  closedDay: null,
});

/** Rows of the view as the runner remembers them, by code and status. */
const rows = (...entries: [string, DossierSummary['status']][]) => new Map(entries.map(([code, status]) => [code, summary(code, status)]));

describe('the dossier summaries a projection runner holds', () => {
  it('gives its room to dossiers in flight: those that can take no further event are forgotten at the next trim, below capacity too', () => {
    const states = new DossierStates(10, { empty: true });
    states.remember(rows(['open', 'in-progress'], ['resolved', 'resolved'], ['returned', 'returned'], ['withdrawn', 'withdrawn']));
    // Until the trim (which the runner calls once the commit is in the view) all four are held.
    expect(states.size).toBe(4);
    states.trim();
    expect(states.has('open')).toBe(true);
    expect(states.has('resolved')).toBe(true);
    expect(states.has('returned')).toBe(false);
    expect(states.has('withdrawn')).toBe(false);
    // A later event for a forgotten dossier reads its row; a code never seen does not.
    expect(states.mayHaveRow('returned')).toBe(true);
    expect(states.mayHaveRow('withdrawn')).toBe(true);
    expect(states.mayHaveRow('never-seen')).toBe(false);
  });

  it('keeps a dossier remembered final and then held again in another status', () => {
    const states = new DossierStates(10, { empty: true });
    states.remember(rows(['x', 'returned']));
    states.remember(rows(['x', 'in-progress']));
    states.trim();
    expect(states.get('x')?.status).toBe('in-progress');
  });

  it('past its capacity forgets the least recently remembered', () => {
    const states = new DossierStates(2, { empty: true });
    states.remember(rows(['a', 'in-progress'], ['b', 'in-progress']));
    states.remember(rows(['c', 'in-progress']));
    states.trim();
    expect([states.has('a'), states.has('b'), states.has('c')]).toEqual([false, true, true]);
    expect(states.mayHaveRow('a')).toBe(true);
  });
});
