import type { DossierEventBody } from '../events/upcasters';
import { localDay } from '../time/local-day';
import { timeliness } from '../time/timeliness';
import { countingAgencyOf, isOpen, type DossierState, type DossierStatus, type Handover } from './dossier-state';

export type ViolationCode = 'NOT_RECEIVED' | 'ALREADY_RECEIVED' | 'NOT_ALLOWED_IN_STATE' | 'BEFORE_RECEIPT';

export interface LifecycleViolation {
  readonly code: ViolationCode;
  readonly message: string;
  /** A later event could make this one valid (a payment before its dossier's receipt): park and retry it. */
  readonly curable: boolean;
}

export type Transition = { readonly ok: true; readonly state: DossierState } | { readonly ok: false; readonly violation: LifecycleViolation };

const violation = (code: ViolationCode, message: string, curable = false): Transition => ({
  ok: false,
  violation: { code, message, curable },
});

const short = (type: string) => type.replace(/^vn\.gov\.tthc\.dossier\./, '');

/** The statuses each event may arrive in; `received` and `refused-at-reception` need no prior state. */
export const ALLOWED_IN: Readonly<
  Record<Exclude<DossierEventBody['type'], 'vn.gov.tthc.dossier.received.v2' | 'vn.gov.tthc.dossier.refused-at-reception.v1'>, readonly DossierStatus[]>
> = {
  'vn.gov.tthc.dossier.supplement-requested.v1': ['in-progress'],
  'vn.gov.tthc.dossier.supplement-received.v1': ['awaiting-supplement'],
  'vn.gov.tthc.dossier.financial-obligation-requested.v1': ['in-progress'],
  // Fees may be paid at submission, while the obligation is pending, or when the result is collected.
  'vn.gov.tthc.dossier.paid-online.v1': ['in-progress', 'awaiting-supplement', 'awaiting-payment', 'resolved'],
  'vn.gov.tthc.dossier.apology-issued.v1': ['in-progress', 'awaiting-payment'],
  'vn.gov.tthc.dossier.processing-stopped.v1': ['in-progress', 'awaiting-supplement', 'awaiting-payment'],
  'vn.gov.tthc.dossier.handed-back.v1': ['in-progress', 'awaiting-supplement', 'awaiting-payment'],
  'vn.gov.tthc.dossier.withdrawn.v1': ['in-progress', 'awaiting-supplement', 'awaiting-payment'],
  // An obligation may be settled in person, with no online payment event: processing may still finish.
  'vn.gov.tthc.dossier.processed.v1': ['in-progress', 'awaiting-payment'],
  'vn.gov.tthc.dossier.result-returned.v1': ['resolved'],
};

const STATUSES_WITH_A_NEXT_EVENT: ReadonlySet<DossierStatus> = new Set(Object.values(ALLOWED_IN).flat());

/**
 * Whether the lifecycle allows no further event in this status (returned, withdrawn, refused…):
 * anything sent for such a dossier later is a duplicate or a violation.
 */
export const isFinal = (status: DossierStatus): boolean => !STATUSES_WITH_A_NEXT_EVENT.has(status);

/** When the event says it happened: the instant its data carries (receipt, payment, finish…). */
export function eventTime(event: DossierEventBody): string {
  switch (event.type) {
    case 'vn.gov.tthc.dossier.received.v2':
      return event.data.receivedAt;
    case 'vn.gov.tthc.dossier.refused-at-reception.v1':
      return event.data.refusedAt;
    case 'vn.gov.tthc.dossier.supplement-requested.v1':
    case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
      return event.data.requestedAt;
    case 'vn.gov.tthc.dossier.supplement-received.v1':
      return event.data.receivedAt;
    case 'vn.gov.tthc.dossier.paid-online.v1':
      return event.data.paidAt;
    case 'vn.gov.tthc.dossier.apology-issued.v1':
      return event.data.issuedAt;
    case 'vn.gov.tthc.dossier.processing-stopped.v1':
      return event.data.stoppedAt;
    case 'vn.gov.tthc.dossier.handed-back.v1':
      return event.data.handedBackAt;
    case 'vn.gov.tthc.dossier.withdrawn.v1':
      return event.data.withdrawnAt;
    case 'vn.gov.tthc.dossier.processed.v1':
      return event.data.finishedAt;
    case 'vn.gov.tthc.dossier.result-returned.v1':
      return event.data.returnedAt;
  }
}

/**
 * The dossier lifecycle as a pure function: the state after `event`, or the rule it breaks. A
 * dossier with no state yet may only be received (or refused at reception).
 */
export function applyDossierEvent(state: DossierState | undefined, event: DossierEventBody): Transition {
  if (event.type === 'vn.gov.tthc.dossier.received.v2' || event.type === 'vn.gov.tthc.dossier.refused-at-reception.v1') {
    if (state) return violation('ALREADY_RECEIVED', `dossier ${event.subject} is already ${state.status}; ${short(event.type)} must be its first event`);
    if (event.type === 'vn.gov.tthc.dossier.refused-at-reception.v1') {
      const d = event.data;
      return {
        ok: true,
        state: {
          dossierCode: event.subject,
          status: 'refused-at-reception',
          procedureCode: d.procedureCode,
          agencyCode: d.agencyCode,
          receivingAgencyCode: d.agencyCode,
          channel: 'online',
          onlineServiceLevel: null,
          receivedDay: localDay(d.submittedAt),
          receivedAt: d.submittedAt,
          dueDate: null,
          apologyDate: null,
          finishedDay: null,
          timeliness: null,
          outcome: null,
          closedDay: localDay(d.refusedAt),
        },
      };
    }
    const d = event.data;
    return {
      ok: true,
      state: {
        dossierCode: event.subject,
        status: 'in-progress',
        procedureCode: d.procedureCode,
        agencyCode: d.processingAgencyCode,
        receivingAgencyCode: d.receivingAgencyCode,
        channel: d.channel,
        onlineServiceLevel: d.onlineServiceLevel,
        receivedDay: localDay(d.receivedAt),
        receivedAt: d.receivedAt,
        dueDate: d.dueDate,
        apologyDate: null,
        finishedDay: null,
        timeliness: null,
        outcome: null,
        closedDay: null,
      },
    };
  }
  if (!state) return violation('NOT_RECEIVED', `dossier ${event.subject} has not been received; ${short(event.type)} cannot come first`, true);
  if (!ALLOWED_IN[event.type].includes(state.status)) {
    return violation('NOT_ALLOWED_IN_STATE', `${short(event.type)} is not allowed when the dossier is ${state.status}`);
  }
  const at = eventTime(event);
  if (Date.parse(at) < Date.parse(state.receivedAt)) {
    return violation('BEFORE_RECEIPT', `${short(event.type)} at ${at} is before the dossier was received at ${state.receivedAt}`);
  }
  const day = localDay(at);
  // Naming the agency that already counts the dossier changes nothing; naming another hands it over from this day.
  const named = event.data.handlingAgencyCode;
  const handover: Handover | undefined =
    named === undefined || named === countingAgencyOf(state)
      ? undefined
      : { agencyCode: named, day, ...(isOpen(state.status) ? {} : { afterClose: true as const }) };
  const handovers = handover ? { handovers: [...(state.handovers ?? []), handover] } : {};
  const next = (changes: Partial<DossierState>): Transition => ({ ok: true, state: { ...state, ...handovers, ...changes } });
  switch (event.type) {
    case 'vn.gov.tthc.dossier.supplement-requested.v1':
      return next({ status: 'awaiting-supplement' });
    case 'vn.gov.tthc.dossier.supplement-received.v1':
      return next({ status: 'in-progress', dueDate: event.data.newDueDate });
    case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
      return next({ status: 'awaiting-payment' });
    case 'vn.gov.tthc.dossier.paid-online.v1':
      return next({ status: state.status === 'awaiting-payment' ? 'in-progress' : state.status });
    case 'vn.gov.tthc.dossier.apology-issued.v1':
      return next({ apologyDate: event.data.newAppointmentDate });
    case 'vn.gov.tthc.dossier.processing-stopped.v1':
      return next({ status: 'stopped', closedDay: day });
    case 'vn.gov.tthc.dossier.handed-back.v1':
      return next({ status: 'handed-back', closedDay: day });
    case 'vn.gov.tthc.dossier.withdrawn.v1':
      return next({ status: 'withdrawn', closedDay: day });
    case 'vn.gov.tthc.dossier.processed.v1':
      return next({
        status: 'resolved',
        finishedDay: day,
        closedDay: day,
        outcome: event.data.outcome,
        timeliness: state.dueDate === null ? null : timeliness(event.data.finishedAt, state.dueDate),
      });
    case 'vn.gov.tthc.dossier.result-returned.v1':
      return next({ status: 'returned' });
  }
}
