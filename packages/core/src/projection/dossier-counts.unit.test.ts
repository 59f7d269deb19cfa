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

describe('a dossier handed over to a successor agency', () => {
  const at = (day: string) => `${day}T09:00:00+07:00`;
  let n = 0;
  const event = (type: string, day: string, data: Record<string, unknown>) => {
    n += 1;
    return {
      specversion: '1.0',
      id: `handover-${n}`,
      source: 'urn:tthc:lamdong-motcua',
      type: `vn.gov.tthc.dossier.${type}`,
      subject: 'H36-DT-9',
      time: at(day),
      data,
    };
  };
  const receipt = event('received.v2', '2025-06-10', {
    procedureCode: '1.001193',
    receivingAgencyCode: 'DISTRICT',
    processingAgencyCode: 'DISTRICT',
    channel: 'in-person',
    onlineServiceLevel: 'partial',
    receivedAt: at('2025-06-10'),
    dueDate: '2025-07-10',
  });
  const sums = (increments: readonly CountIncrement[], agency: string) => {
    const by = new Map<Metric, number>();
    for (const i of increments) if (i.agencyCode === agency) by.set(i.metric, (by.get(i.metric) ?? 0) + i.value);
    return Object.fromEntries([...by].filter(([, v]) => v !== 0));
  };

  it('counts from the event that names it under the successor, and moves the open dossier there that day', () => {
    const { increments, skipped } = fold([
      receipt,
      event('supplement-requested.v1', '2025-07-02', { requestedAt: at('2025-07-02'), handlingAgencyCode: 'COMMUNE-B' }),
      event('supplement-received.v1', '2025-07-03', { receivedAt: at('2025-07-03'), newDueDate: '2025-07-20' }),
      event('processed.v1', '2025-07-09', { outcome: 'approved', finishedAt: at('2025-07-09') }),
    ] as AnyVersionDossierEvent[]);
    expect(skipped).toEqual([]);
    expect(sums(increments, 'DISTRICT')).toEqual({
      received: 1,
      'received.in-person': 1,
      'open.received': 1,
      'open.closed': 1,
      'open.due': 1,
      'open.closed-due': 1,
      'transferred.out': 1,
    });
    expect(sums(increments, 'COMMUNE-B')).toEqual({
      'supplement-requested': 1,
      'resolved.early': 1,
      'transferred.in': 1,
      'open.received': 1,
      'open.closed': 1,
      'open.due': 1,
      'open.closed-due': 1,
    });
    // The district held it until 1 Jul; Hiệp Thạnh from 2 Jul.
    expect(
      increments.filter((i) => i.metric.startsWith('transferred') || i.metric === 'open.closed').map((i) => `${i.agencyCode} ${i.day} ${i.metric}`),
    ).toEqual(expect.arrayContaining(['DISTRICT 2025-07-02 transferred.out', 'COMMUNE-B 2025-07-02 transferred.in', 'DISTRICT 2025-07-02 open.closed']));
  });

  it('moves no open dossier when the dossier had already closed: only the later events count there', () => {
    const { increments } = fold([
      receipt,
      event('processed.v1', '2025-06-28', { outcome: 'approved', finishedAt: at('2025-06-28') }),
      event('result-returned.v1', '2025-07-03', { returnedAt: at('2025-07-03'), channel: 'in-person', handlingAgencyCode: 'COMMUNE-B' }),
    ] as AnyVersionDossierEvent[]);
    expect(sums(increments, 'COMMUNE-B')).toEqual({ 'result-returned': 1 });
    expect(sums(increments, 'DISTRICT')).toEqual({
      received: 1,
      'received.in-person': 1,
      'resolved.early': 1,
      'open.received': 1,
      'open.closed': 1,
      'open.due': 1,
      'open.closed-due': 1,
    });
  });
});
