import type { DossierEventBody } from '../events';
import { applyDossierEvent } from './lifecycle';
import { DOSSIER_STATUSES, type DossierState } from './dossier-state';

const SUBJECT = 'H36-240301-000001';
const at = (day: number, time = '09:00:00') => `2024-03-${String(day).padStart(2, '0')}T${time}+07:00`;

/** One event of each type, happening on the given day of March 2024. */
const EVENTS = {
  received: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.received.v2',
    subject: SUBJECT,
    data: {
      procedureCode: '1.002835',
      receivingAgencyCode: '000.00.01.H36',
      processingAgencyCode: '000.00.02.H36',
      channel: 'online',
      onlineServiceLevel: 'full-process',
      receivedAt: at(d),
      dueDate: '2024-03-15',
    },
  }),
  refused: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
    subject: SUBJECT,
    data: { procedureCode: '1.002835', agencyCode: '000.00.01.H36', submittedAt: at(d, '08:00:00'), refusedAt: at(d) },
  }),
  'supplement-requested': (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.supplement-requested.v1',
    subject: SUBJECT,
    data: { requestedAt: at(d) },
  }),
  'supplement-received': (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.supplement-received.v1',
    subject: SUBJECT,
    data: { receivedAt: at(d), newDueDate: '2024-03-22' },
  }),
  'obligation-requested': (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.financial-obligation-requested.v1',
    subject: SUBJECT,
    data: { requestedAt: at(d), amountVnd: 500_000 },
  }),
  paid: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.paid-online.v1',
    subject: SUBJECT,
    data: { transactionId: 'TX1', amountVnd: 500_000, platform: 'payment-platform-dvcqg', paidAt: at(d) },
  }),
  apology: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.apology-issued.v1',
    subject: SUBJECT,
    data: { issuedAt: at(d), newAppointmentDate: '2024-03-29' },
  }),
  stopped: (d: number): DossierEventBody => ({ type: 'vn.gov.tthc.dossier.processing-stopped.v1', subject: SUBJECT, data: { stoppedAt: at(d) } }),
  'handed-back': (d: number): DossierEventBody => ({ type: 'vn.gov.tthc.dossier.handed-back.v1', subject: SUBJECT, data: { handedBackAt: at(d) } }),
  withdrawn: (d: number): DossierEventBody => ({ type: 'vn.gov.tthc.dossier.withdrawn.v1', subject: SUBJECT, data: { withdrawnAt: at(d) } }),
  processed: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.processed.v1',
    subject: SUBJECT,
    data: { outcome: 'approved', finishedAt: at(d) },
  }),
  returned: (d: number): DossierEventBody => ({
    type: 'vn.gov.tthc.dossier.result-returned.v1',
    subject: SUBJECT,
    data: { returnedAt: at(d), channel: 'online' },
  }),
} as const;
type EventName = keyof typeof EVENTS;

/** How to bring a dossier to each status (events on 1, 2, 3 March). */
const PATHS: Record<string, EventName[]> = {
  none: [],
  'in-progress': ['received'],
  'awaiting-supplement': ['received', 'supplement-requested'],
  'awaiting-payment': ['received', 'obligation-requested'],
  resolved: ['received', 'processed'],
  returned: ['received', 'processed', 'returned'],
  'refused-at-reception': ['refused'],
  withdrawn: ['received', 'withdrawn'],
  stopped: ['received', 'stopped'],
  'handed-back': ['received', 'handed-back'],
};

function reach(status: string): DossierState | undefined {
  let state: DossierState | undefined;
  (PATHS[status] ?? []).forEach((name, i) => {
    const t = applyDossierEvent(state, EVENTS[name](i + 1));
    if (!t.ok) throw new Error(`cannot reach ${status}: ${t.violation.message}`);
    state = t.state;
  });
  return state;
}

// Status after the event, or the violation: N = NOT_RECEIVED, A = ALREADY_RECEIVED, x = NOT_ALLOWED_IN_STATE.
const COLUMNS = ['none', ...DOSSIER_STATUSES];
const TABLE: Record<EventName, string[]> = {
  //                      none                    in-progress            awaiting-supplement    awaiting-payment       resolved    returned refused withdrawn stopped handed-back
  received: ['in-progress', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'],
  refused: ['refused-at-reception', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'],
  'supplement-requested': ['N', 'awaiting-supplement', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'],
  'supplement-received': ['N', 'x', 'in-progress', 'x', 'x', 'x', 'x', 'x', 'x', 'x'],
  'obligation-requested': ['N', 'awaiting-payment', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'],
  paid: ['N', 'in-progress', 'awaiting-supplement', 'in-progress', 'resolved', 'x', 'x', 'x', 'x', 'x'],
  apology: ['N', 'in-progress', 'x', 'awaiting-payment', 'x', 'x', 'x', 'x', 'x', 'x'],
  stopped: ['N', 'stopped', 'stopped', 'stopped', 'x', 'x', 'x', 'x', 'x', 'x'],
  'handed-back': ['N', 'handed-back', 'handed-back', 'handed-back', 'x', 'x', 'x', 'x', 'x', 'x'],
  withdrawn: ['N', 'withdrawn', 'withdrawn', 'withdrawn', 'x', 'x', 'x', 'x', 'x', 'x'],
  processed: ['N', 'resolved', 'x', 'resolved', 'x', 'x', 'x', 'x', 'x', 'x'],
  returned: ['N', 'x', 'x', 'x', 'returned', 'x', 'x', 'x', 'x', 'x'],
};
const CODES: Record<string, string> = { N: 'NOT_RECEIVED', A: 'ALREADY_RECEIVED', x: 'NOT_ALLOWED_IN_STATE' };

describe('dossier lifecycle: every event in every state', () => {
  const cases = (Object.keys(TABLE) as EventName[]).flatMap((event) => COLUMNS.map((status, i) => [event, status, TABLE[event][i] ?? '?'] as const));
  it.each(cases)('%s when %s → %s', (event, status, expected) => {
    const result = applyDossierEvent(reach(status), EVENTS[event](10));
    if (CODES[expected]) {
      expect(result).toMatchObject({ ok: false, violation: { code: CODES[expected], curable: expected === 'N' } });
      if (!result.ok) expect(result.violation.message).toContain(expected === 'N' ? 'has not been received' : '');
    } else {
      expect(result).toMatchObject({ ok: true, state: { status: expected } });
    }
  });
});

describe('lifecycle facts', () => {
  it('judges timeliness against the due date in force: a supplement resets it', () => {
    let state = reach('awaiting-supplement');
    const supplied = applyDossierEvent(state, EVENTS['supplement-received'](5));
    if (!supplied.ok) throw new Error(supplied.violation.message);
    state = supplied.state;
    expect(state.dueDate).toBe('2024-03-22');
    const done = applyDossierEvent(state, EVENTS.processed(20)); // after the original 15th, before the new 22nd
    expect(done).toMatchObject({ ok: true, state: { status: 'resolved', timeliness: 'early', finishedDay: '2024-03-20' } });
  });

  it('keeps an apologised dossier late against its original due date', () => {
    const apologised = applyDossierEvent(reach('in-progress'), EVENTS.apology(14));
    if (!apologised.ok) throw new Error(apologised.violation.message);
    expect(apologised.state).toMatchObject({ dueDate: '2024-03-15', apologyDate: '2024-03-29' });
    expect(applyDossierEvent(apologised.state, EVENTS.processed(25))).toMatchObject({ ok: true, state: { timeliness: 'late' } });
  });

  it('refuses an event dated before the dossier was received', () => {
    const state = reach('in-progress'); // received on 1 March at 09:00
    const early: DossierEventBody = {
      type: 'vn.gov.tthc.dossier.processed.v1',
      subject: SUBJECT,
      data: { outcome: 'approved', finishedAt: '2024-03-01T08:59:59+07:00' },
    };
    expect(applyDossierEvent(state, early)).toMatchObject({ ok: false, violation: { code: 'BEFORE_RECEIPT', curable: false } });
  });

  it('counts a dossier under the agency that resolves it, not the one-stop shop that received it', () => {
    expect(reach('in-progress')).toMatchObject({ agencyCode: '000.00.02.H36', receivingAgencyCode: '000.00.01.H36' });
  });
});
