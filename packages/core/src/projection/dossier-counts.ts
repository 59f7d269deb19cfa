import type { Channel, DossierEventBody, OnlineServiceLevel } from '../events';
import { localDay } from '../time/local-day';
import { timeliness } from '../time/timeliness';
import type { CountIncrement, Metric } from './metrics';

/** The projection that keeps per-agency, per-day counts and the dossier summaries they need. */
export const DAILY_COUNTS_PROJECTION = 'daily-counts';

/** What the daily-counts projection remembers of each dossier between its events. */
export interface DossierSummary {
  readonly dossierCode: string;
  readonly agencyCode: string;
  readonly channel: Channel;
  readonly onlineServiceLevel: OnlineServiceLevel;
  readonly dueDate: string;
  readonly resolved: boolean;
}

/** ack: the event was counted; skip: it carries nothing for this view, with the reason. */
export type ProjectionOutcome =
  | { readonly kind: 'ack'; readonly summary: DossierSummary; readonly increments: readonly CountIncrement[] }
  | { readonly kind: 'skip'; readonly reason: string };

const inc = (agencyCode: string, day: string, metric: Metric, value = 1): CountIncrement => ({ agencyCode, day, metric, value });

/** The daily-counts projection as a pure function of the dossier's summary and its next event. */
export function projectDossierEvent(summary: DossierSummary | undefined, event: DossierEventBody): ProjectionOutcome {
  if (event.type === 'vn.gov.tthc.dossier.received.v1') {
    if (summary) return { kind: 'skip', reason: 'dossier already received' };
    const d = event.data;
    const day = localDay(d.receivedAt);
    return {
      kind: 'ack',
      summary: {
        dossierCode: event.subject,
        agencyCode: d.agencyCode,
        channel: d.channel,
        onlineServiceLevel: d.onlineServiceLevel,
        dueDate: d.dueDate,
        resolved: false,
      },
      increments: [inc(d.agencyCode, day, 'received'), inc(d.agencyCode, day, `received.${d.channel}`)],
    };
  }
  if (!summary) return { kind: 'skip', reason: 'dossier was never received' };
  switch (event.type) {
    case 'vn.gov.tthc.dossier.processed.v1': {
      if (summary.resolved) return { kind: 'skip', reason: 'dossier already resolved' };
      const day = localDay(event.data.finishedAt);
      const increments = [inc(summary.agencyCode, day, `resolved.${timeliness(event.data.finishedAt, summary.dueDate)}`)];
      if (summary.onlineServiceLevel === 'full-process') {
        increments.push(inc(summary.agencyCode, day, 'resolved.full-process'));
        if (summary.channel === 'online') increments.push(inc(summary.agencyCode, day, 'resolved.full-process.online'));
      }
      return { kind: 'ack', summary: { ...summary, resolved: true }, increments };
    }
    case 'vn.gov.tthc.dossier.result-returned.v1':
      return {
        kind: 'ack',
        summary,
        increments: [inc(summary.agencyCode, localDay(event.data.returnedAt), 'result-returned')],
      };
    case 'vn.gov.tthc.dossier.paid-online.v1': {
      const day = localDay(event.data.paidAt);
      return {
        kind: 'ack',
        summary,
        increments: [
          inc(summary.agencyCode, day, 'paid-online.count'),
          inc(summary.agencyCode, day, 'paid-online.amount', event.data.amountVnd),
        ],
      };
    }
  }
}

/** Sums increments that share agency, day and metric, so a batch writes each view row once. */
export function mergeIncrements(increments: Iterable<CountIncrement>): CountIncrement[] {
  const merged = new Map<string, CountIncrement>();
  for (const i of increments) {
    const key = `${i.agencyCode}|${i.day}|${i.metric}`;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, value: prev.value + i.value } : i);
  }
  return [...merged.values()];
}
