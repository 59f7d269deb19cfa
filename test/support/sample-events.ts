/** A valid received event (v2) as a one-stop-shop system sends it: the base that tests vary one field of. */
export const SAMPLE_RECEIVED = {
  specversion: '1.0',
  id: '0b6f3c1e-5a4d-4a8e-9c1f-2d7b8e9a0c11',
  source: 'urn:tthc:lamdong-motcua',
  type: 'vn.gov.tthc.dossier.received.v2',
  subject: 'H36-240000001',
  time: '2024-03-15T08:30:00+07:00',
  data: {
    procedureCode: '1.002835',
    receivingAgencyCode: '000.00.00.H36',
    processingAgencyCode: '000.00.01.H36',
    channel: 'online',
    onlineServiceLevel: 'full-process',
    receivedAt: '2024-03-15T08:30:00+07:00',
    dueDate: '2024-03-22',
  },
} as const;
