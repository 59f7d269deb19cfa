import type { DossierEventBody } from '../events/upcasters';
import { applyDossierEvent, eventTime } from '../lifecycle/lifecycle';
import { countingAgencyOf, type DossierState } from '../lifecycle/dossier-state';
import { localDay } from '../time/local-day';
import type { CountIncrement, CountSink, Metric } from './metrics';
import { addOpenCountChanges } from './open-dossier-counts';

/** The projection that keeps per-agency, per-day counts and the dossier states they need. */
export const DAILY_COUNTS_PROJECTION = 'daily-counts';

/** The projection remembers each dossier's lifecycle state between its events. */
export type DossierSummary = DossierState;

/** ack: the event was counted; skip: it breaks the lifecycle or carries nothing, with the reason. */
export type ProjectionOutcome =
  | { readonly kind: 'ack'; readonly summary: DossierSummary; readonly increments: readonly CountIncrement[] }
  | { readonly kind: 'skip'; readonly reason: string };

// Metric names by field value, so that no name is built per event.
const RECEIVED_BY_CHANNEL = { 'in-person': 'received.in-person', online: 'received.online', postal: 'received.postal' } as const satisfies Record<
  DossierState['channel'],
  Metric
>;
const RESOLVED_BY_TIMELINESS = { early: 'resolved.early', 'on-time': 'resolved.on-time', late: 'resolved.late' } as const satisfies Record<
  NonNullable<DossierState['timeliness']>,
  Metric
>;

/** What each event counts, on the local day it happened, under the agency that handles the dossier then (countingAgencyOf). */
function countsFor(event: DossierEventBody, state: DossierState, add: CountSink): void {
  const day = localDay(eventTime(event));
  const agency = countingAgencyOf(state);
  switch (event.type) {
    case 'vn.gov.tthc.dossier.received.v2':
      add(agency, day, 'received', 1);
      add(agency, day, RECEIVED_BY_CHANNEL[state.channel], 1);
      return;
    case 'vn.gov.tthc.dossier.refused-at-reception.v1':
      add(agency, day, 'refused-at-reception', 1);
      return;
    case 'vn.gov.tthc.dossier.supplement-requested.v1':
      add(agency, day, 'supplement-requested', 1);
      return;
    case 'vn.gov.tthc.dossier.apology-issued.v1':
      add(agency, day, 'apology-issued', 1);
      return;
    case 'vn.gov.tthc.dossier.withdrawn.v1':
      add(agency, day, 'withdrawn', 1);
      return;
    case 'vn.gov.tthc.dossier.handed-back.v1':
      add(agency, day, 'handed-back', 1);
      return;
    case 'vn.gov.tthc.dossier.processing-stopped.v1':
      add(agency, day, 'processing-stopped', 1);
      return;
    case 'vn.gov.tthc.dossier.result-returned.v1':
      add(agency, day, 'result-returned', 1);
      return;
    case 'vn.gov.tthc.dossier.paid-online.v1':
      add(agency, day, 'paid-online.count', 1);
      add(agency, day, 'paid-online.amount', event.data.amountVnd);
      return;
    case 'vn.gov.tthc.dossier.processed.v1':
      if (state.timeliness) add(agency, day, RESOLVED_BY_TIMELINESS[state.timeliness], 1);
      if (state.onlineServiceLevel === 'full-process') {
        add(agency, day, 'resolved.full-process', 1);
        if (state.channel === 'online') add(agency, day, 'resolved.full-process.online', 1);
      }
      return;
    case 'vn.gov.tthc.dossier.supplement-received.v1':
    case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
      return;
  }
}

/**
 * The daily-counts projection of one event, its counts handed to `add` one by one (the runner sums
 * them as they come, with no object per count): the dossier's next summary, or why it is skipped.
 */
export function foldDossierEvent(
  summary: DossierSummary | undefined,
  event: DossierEventBody,
  add: CountSink,
): { readonly kind: 'ack'; readonly summary: DossierSummary } | { readonly kind: 'skip'; readonly reason: string } {
  const transition = applyDossierEvent(summary, event);
  if (!transition.ok) return { kind: 'skip', reason: transition.violation.message };
  countsFor(event, transition.state, add);
  addOpenCountChanges(summary, transition.state, add);
  return { kind: 'ack', summary: transition.state };
}

/** The daily-counts projection as a pure function of the dossier's state and its next event. */
export function projectDossierEvent(summary: DossierSummary | undefined, event: DossierEventBody): ProjectionOutcome {
  const increments: CountIncrement[] = [];
  const outcome = foldDossierEvent(summary, event, (agencyCode, day, metric, value) => increments.push({ agencyCode, day, metric, value }));
  return outcome.kind === 'skip' ? outcome : { kind: 'ack', summary: outcome.summary, increments };
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
