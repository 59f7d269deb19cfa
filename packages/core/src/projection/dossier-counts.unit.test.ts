import { toCurrentVersion, type AnyVersionDossierEvent } from '../events';
import { generateDemoDataset, type ExpectedCounts } from '@tthc/test-support';
import { addDays } from '../time';
import { projectDossierEvent, type DossierSummary } from './dossier-counts';
import type { CountIncrement, Metric } from './metrics';

function fold(events: readonly AnyVersionDossierEvent[]): { increments: CountIncrement[]; skipped: string[] } {
  const summaries = new Map<string, DossierSummary>();
  const increments: CountIncrement[] = [];
  const skipped: string[] = [];
  for (const event of events) {
    const outcome = projectDossierEvent(summaries.get(event.subject), toCurrentVersion(event));
    if (outcome.kind === 'skip') {
      skipped.push(outcome.reason);
      continue;
    }
    summaries.set(event.subject, outcome.summary);
    increments.push(...outcome.increments);
  }
  return { increments, skipped };
}

const METRIC_OF: Record<keyof ExpectedCounts, Metric> = {
  received: 'received',
  receivedOnline: 'received.online',
  refusedAtReception: 'refused-at-reception',
  supplementRequested: 'supplement-requested',
  apologyIssued: 'apology-issued',
  resolvedEarly: 'resolved.early',
  resolvedOnDueDay: 'resolved.on-time',
  resolvedLate: 'resolved.late',
  fullProcessResolved: 'resolved.full-process',
  fullProcessResolvedOnline: 'resolved.full-process.online',
  withdrawn: 'withdrawn',
  handedBack: 'handed-back',
  processingStopped: 'processing-stopped',
  resultReturned: 'result-returned',
  paidOnlineCount: 'paid-online.count',
  paidOnlineAmount: 'paid-online.amount',
};

function tally(increments: readonly CountIncrement[], range: { from: string; to: string }, agency?: string): ExpectedCounts {
  const sums = new Map<Metric, number>();
  for (const i of increments) {
    if (i.day < range.from || i.day > range.to || (agency !== undefined && i.agencyCode !== agency)) continue;
    sums.set(i.metric, (sums.get(i.metric) ?? 0) + i.value);
  }
  return Object.fromEntries(Object.entries(METRIC_OF).map(([key, metric]) => [key, sums.get(metric) ?? 0])) as unknown as ExpectedCounts;
}

describe('daily-counts projection', () => {
  const period = { from: '2024-01-01', to: '2024-06-30' };
  const dataset = generateDemoDataset({ seed: 11, dossiers: 3000, period });

  it('reproduces every figure the generator tallied from its own choices, per agency and in total', () => {
    const { increments, skipped } = fold(dataset.events);
    expect(skipped).toEqual([]);
    expect(tally(increments, period)).toEqual(dataset.expected.total);
    for (const [agency, counts] of Object.entries(dataset.expected.byAgency)) {
      expect(tally(increments, period, agency)).toEqual(counts);
    }
    // The data set exercises every path it claims to.
    for (const [key, value] of Object.entries(dataset.expected.total)) expect([key, value]).not.toEqual([key, 0]);
  });

  it('counts a dossier resolved once, on the local day processing finished, against the due date in force', () => {
    const received = dataset.events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    if (received?.type !== 'vn.gov.tthc.dossier.received.v2') throw new Error('no received event');
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
      agencyCode: received.data.processingAgencyCode,
      day: addDays(received.data.dueDate, 1),
      metric: 'resolved.late',
      value: 1,
    });
    expect(projectDossierEvent(second.summary, processed)).toMatchObject({
      kind: 'skip',
      reason: expect.stringMatching(/not allowed when the dossier is resolved/) as string,
    });
  });

  it('skips events of a dossier it never saw received', () => {
    expect(
      projectDossierEvent(undefined, {
        type: 'vn.gov.tthc.dossier.processed.v1',
        subject: 'H36-UNKNOWN1',
        data: { outcome: 'approved', finishedAt: '2024-03-01T09:00:00+07:00' },
      }),
    ).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/has not been received/) as string });
  });
});
