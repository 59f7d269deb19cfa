import type { DossierEventMethod, EventDataOf } from '../envelope';

/** Valid `data` for every typed method: the compiler checks that none is missing. */
export const SAMPLE_DATA: { readonly [M in DossierEventMethod]: EventDataOf<M> } = {
  received: {
    procedureCode: '1.002835',
    receivingAgencyCode: '000.00.01.H36',
    processingAgencyCode: '000.00.02.H36',
    channel: 'online',
    onlineServiceLevel: 'full-process',
    receivedAt: '2024-03-15T09:12:00+07:00',
    dueDate: '2024-03-22',
  },
  refusedAtReception: {
    procedureCode: '1.002835',
    agencyCode: '000.00.01.H36',
    submittedAt: '2024-03-15T08:00:00+07:00',
    refusedAt: '2024-03-15T10:00:00+07:00',
    reasonCode: 'INCOMPLETE',
  },
  supplementRequested: { requestedAt: '2024-03-16T09:00:00+07:00', reasonCode: 'MISSING_DOC' },
  supplementReceived: { receivedAt: '2024-03-18T14:00:00+07:00', newDueDate: '2024-03-27' },
  financialObligationRequested: { requestedAt: '2024-03-19T09:00:00+07:00', amountVnd: 150_000 },
  paidOnline: { transactionId: 'PAY-42', amountVnd: 150_000, platform: 'payment-platform-dvcqg', paidAt: '2024-03-19T10:30:00+07:00' },
  apologyIssued: { issuedAt: '2024-03-27T16:00:00+07:00', newAppointmentDate: '2024-04-02' },
  processingStopped: { stoppedAt: '2024-03-20T11:00:00+07:00', reasonCode: 'LEGAL_CHANGE' },
  handedBack: { handedBackAt: '2024-03-20T11:30:00+07:00' },
  withdrawn: { withdrawnAt: '2024-03-17T08:45:00+07:00' },
  processed: { outcome: 'approved', finishedAt: '2024-04-01T15:00:00+07:00' },
  resultReturned: { returnedAt: '2024-04-02T08:30:00+07:00', channel: 'postal' },
};

export const METHODS = Object.keys(SAMPLE_DATA) as DossierEventMethod[];

/** Milliseconds since the epoch held in the first 48 bits of a UUIDv7. */
export const uuidv7Millis = (id: string): number => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
