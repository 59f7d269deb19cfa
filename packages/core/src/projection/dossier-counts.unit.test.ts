import type { DossierEvent } from '../events';
import { addDays } from '../time';
import { generateDemoDataset, type ExpectedCounts } from '../simulation';
import { buildDailyCountsReport, type CountsRow } from '../report';
import { projectDossierEvent, type DossierSummary } from './dossier-counts';
import type { CountIncrement } from './metrics';

function fold(events: readonly DossierEvent[]): { increments: CountIncrement[]; skipped: string[] } {
  const summaries = new Map<string, DossierSummary>();
  const increments: CountIncrement[] = [];
  const skipped: string[] = [];
  for (const event of events) {
    const outcome = projectDossierEvent(summaries.get(event.subject), event);
    if (outcome.kind === 'skip') {
      skipped.push(outcome.reason);
      continue;
    }
    summaries.set(event.subject, outcome.summary);
    increments.push(...outcome.increments);
  }
  return { increments, skipped };
}

const comparable = (r: CountsRow) => ({
  received: r.received,
  receivedOnline: r.receivedOnline,
  resolvedEarly: r.resolvedEarly,
  resolvedOnTime: r.resolvedOnTime - r.resolvedEarly,
  resolvedLate: r.resolvedLate,
  fullProcessResolved: r.fullProcessOnline.resolved,
  fullProcessResolvedOnline: r.fullProcessOnline.resolvedOnline,
  resultReturned: r.resultReturned,
  paidOnlineCount: r.onlinePayments.count,
  paidOnlineAmount: r.onlinePayments.amount,
});

describe('daily-counts projection', () => {
  const period = { from: '2024-01-01', to: '2024-06-30' };
  const dataset = generateDemoDataset({ seed: 11, dossiers: 2000, period });

  it('reproduces every figure the generator tallied from its own choices, per agency and in total', () => {
    const { increments, skipped } = fold(dataset.events);
    const inPeriod = increments.filter((i) => i.day >= period.from && i.day <= period.to);
    const report = buildDailyCountsReport(
      period,
      inPeriod.map((i) => ({ agencyCode: i.agencyCode, metric: i.metric, value: i.value })),
      null,
    );
    expect(skipped).toEqual([]);
    expect(comparable(report.total)).toEqual<ExpectedCounts>(dataset.expected.total);
    for (const agency of report.agencies) {
      expect(comparable(agency)).toEqual(dataset.expected.byAgency[agency.agencyCode]);
    }
  });

  it('counts a dossier resolved once, on the local day processing finished', () => {
    const received = dataset.events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v1');
    if (received?.type !== 'vn.gov.tthc.dossier.received.v1') throw new Error('no received event');
    const first = projectDossierEvent(undefined, received);
    if (first.kind !== 'ack') throw new Error('received was skipped');
    const processed = {
      type: 'vn.gov.tthc.dossier.processed.v1' as const,
      subject: received.subject,
      data: { outcome: 'approved' as const, finishedAt: `${received.data.dueDate}T17:30:00Z` }, // 00:30 next local day
    };
    const second = projectDossierEvent(first.summary, processed);
    if (second.kind !== 'ack') throw new Error('processed was skipped');
    expect(second.increments[0]).toEqual({
      agencyCode: received.data.agencyCode,
      day: addDays(received.data.dueDate, 1),
      metric: 'resolved.late',
      value: 1,
    });
    expect(projectDossierEvent(second.summary, processed)).toEqual({ kind: 'skip', reason: 'dossier already resolved' });
  });

  it('skips events of a dossier it never saw received', () => {
    expect(
      projectDossierEvent(undefined, {
        type: 'vn.gov.tthc.dossier.processed.v1',
        subject: 'H36-UNKNOWN1',
        data: { outcome: 'approved', finishedAt: '2024-03-01T09:00:00+07:00' },
      }),
    ).toEqual({ kind: 'skip', reason: 'dossier was never received' });
  });
});
