import {
  ALLOWED_IN,
  applyDossierEvent,
  DOSSIER_EVENT_TYPES,
  DOSSIER_STATUSES,
  upcastBody,
  type DossierEventType,
  type DossierState,
  type DossierStatus,
} from '@tthc/core';
import { SAMPLES } from './samples';

export interface LifecycleRow {
  readonly type: DossierEventType;
  /** null: the event must be the dossier's first (no state yet). */
  readonly arrivesIn: readonly DossierStatus[] | null;
  /** The status after the event, for each status it may arrive in (same order). */
  readonly after: readonly DossierStatus[];
}

/** A dossier in `status`, received well before every sample event. */
const stateIn = (status: DossierStatus): DossierState => ({
  dossierCode: 'H36-240101-000001',
  status,
  procedureCode: '1.002835',
  agencyCode: '000.00.01.H36',
  receivingAgencyCode: '000.00.01.H36',
  channel: 'online',
  onlineServiceLevel: 'full-process',
  receivedDay: '2024-01-02',
  receivedAt: '2024-01-02T08:00:00+07:00',
  dueDate: '2024-03-26',
  apologyDate: null,
  finishedDay: null,
  timeliness: null,
  outcome: null,
  closedDay: null,
});

const hasAllowedIn = (type: DossierEventType): type is keyof typeof ALLOWED_IN => Object.hasOwn(ALLOWED_IN, type);

/**
 * The lifecycle table, read from the code: where each event may arrive comes from `ALLOWED_IN`,
 * and the status after it from running `applyDossierEvent` on the event's sample.
 */
export function lifecycleTable(): LifecycleRow[] {
  return DOSSIER_EVENT_TYPES.map((type) => {
    const body = upcastBody(SAMPLES[type]);
    const apply = (state: DossierState | undefined): DossierStatus => {
      const transition = applyDossierEvent(state, body);
      if (!transition.ok) throw new Error(`${type} in ${state?.status ?? '(no state)'}: ${transition.violation.message}`);
      return transition.state.status;
    };
    if (!hasAllowedIn(type)) return { type, arrivesIn: null, after: [apply(undefined)] };
    const arrivesIn = DOSSIER_STATUSES.filter((s) => ALLOWED_IN[type].includes(s));
    return { type, arrivesIn, after: arrivesIn.map((s) => apply(stateIn(s))) };
  });
}
