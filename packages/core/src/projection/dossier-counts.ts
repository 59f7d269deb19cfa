import type { DossierEventBody } from '../events/upcasters';
import { applyDossierEvent, eventTime } from '../lifecycle/lifecycle';
import type { DossierState } from '../lifecycle/dossier-state';
import { localDay } from '../time/local-day';
import type { CountIncrement, Metric } from './metrics';
import { openCountChanges } from './open-dossier-counts';

/** The projection that keeps per-agency, per-day counts and the dossier states they need. */
export const DAILY_COUNTS_PROJECTION = 'daily-counts';

/** The projection remembers each dossier's lifecycle state between its events. */
export type DossierSummary = DossierState;

/** ack: the event was counted; skip: it breaks the lifecycle or carries nothing, with the reason. */
export type ProjectionOutcome =
  | { readonly kind: 'ack'; readonly summary: DossierSummary; readonly increments: readonly CountIncrement[] }
  | { readonly kind: 'skip'; readonly reason: string };

/** What each event counts, on the local day it happened, under the dossier's resolving agency. */
function countsFor(event: DossierEventBody, state: DossierState): CountIncrement[] {
  const day = localDay(eventTime(event));
  const at = (metric: Metric, value = 1): CountIncrement => ({ agencyCode: state.agencyCode, day, metric, value });
  switch (event.type) {
    case 'vn.gov.tthc.dossier.received.v2':
      return [at('received'), at(`received.${state.channel}`)];
    case 'vn.gov.tthc.dossier.refused-at-reception.v1':
      return [at('refused-at-reception')];
    case 'vn.gov.tthc.dossier.supplement-requested.v1':
      return [at('supplement-requested')];
    case 'vn.gov.tthc.dossier.apology-issued.v1':
      return [at('apology-issued')];
    case 'vn.gov.tthc.dossier.withdrawn.v1':
      return [at('withdrawn')];
    case 'vn.gov.tthc.dossier.handed-back.v1':
      return [at('handed-back')];
    case 'vn.gov.tthc.dossier.processing-stopped.v1':
      return [at('processing-stopped')];
    case 'vn.gov.tthc.dossier.result-returned.v1':
      return [at('result-returned')];
    case 'vn.gov.tthc.dossier.paid-online.v1':
      return [at('paid-online.count'), at('paid-online.amount', event.data.amountVnd)];
    case 'vn.gov.tthc.dossier.processed.v1': {
      const counts = state.timeliness ? [at(`resolved.${state.timeliness}`)] : [];
      if (state.onlineServiceLevel === 'full-process') {
        counts.push(at('resolved.full-process'));
        if (state.channel === 'online') counts.push(at('resolved.full-process.online'));
      }
      return counts;
    }
    case 'vn.gov.tthc.dossier.supplement-received.v1':
    case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
      return [];
  }
}

/** The daily-counts projection as a pure function of the dossier's state and its next event. */
export function projectDossierEvent(summary: DossierSummary | undefined, event: DossierEventBody): ProjectionOutcome {
  const transition = applyDossierEvent(summary, event);
  if (!transition.ok) return { kind: 'skip', reason: transition.violation.message };
  const increments = countsFor(event, transition.state);
  increments.push(...openCountChanges(summary, transition.state));
  return { kind: 'ack', summary: transition.state, increments };
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
