import type { AnyDossierEventType, AnyVersionDossierEvent } from '@tthc/core';

type SampleOf<K extends AnyDossierEventType> = Extract<AnyVersionDossierEvent, { type: K }>;

const SOURCE = 'urn:tthc:lamdong-motcua';
const DOSSIER = 'H36-240315-000123';

/**
 * One valid event per accepted type, as a Lâm Đồng one-stop-shop system would publish it: codes and
 * times only, no personal data. Most follow one dossier through its life; the events that end a
 * dossier another way (refused, withdrawn, stopped, handed back) belong to dossiers of their own.
 * The mapped type makes a new event type fail to compile until it has a sample.
 */
export const SAMPLES: { readonly [K in AnyDossierEventType]: SampleOf<K> } = {
  'vn.gov.tthc.dossier.received.v2': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a01',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.received.v2',
    subject: DOSSIER,
    time: '2024-03-15T08:30:12+07:00',
    datacontenttype: 'application/json',
    data: {
      procedureCode: '1.002835',
      receivingAgencyCode: '000.00.01.H36',
      processingAgencyCode: '000.00.01.H36',
      channel: 'online',
      onlineServiceLevel: 'full-process',
      receivedAt: '2024-03-15T08:30:00+07:00',
      dueDate: '2024-03-22',
    },
  },
  'vn.gov.tthc.dossier.refused-at-reception.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a02',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
    subject: 'H36-240315-000124',
    time: '2024-03-15T14:05:40+07:00',
    data: {
      procedureCode: '1.002835',
      agencyCode: '000.00.01.H36',
      submittedAt: '2024-03-14T21:10:00+07:00',
      refusedAt: '2024-03-15T14:05:00+07:00',
      reasonCode: 'THIEU_GIAY_TO',
    },
  },
  'vn.gov.tthc.dossier.supplement-requested.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a03',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.supplement-requested.v1',
    subject: DOSSIER,
    time: '2024-03-18T10:15:07+07:00',
    data: { requestedAt: '2024-03-18T10:15:00+07:00', reasonCode: 'BO_SUNG_BAN_VE' },
  },
  'vn.gov.tthc.dossier.supplement-received.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a04',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.supplement-received.v1',
    subject: DOSSIER,
    time: '2024-03-20T09:00:31+07:00',
    data: { receivedAt: '2024-03-20T09:00:00+07:00', newDueDate: '2024-03-26' },
  },
  'vn.gov.tthc.dossier.financial-obligation-requested.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a05',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.financial-obligation-requested.v1',
    subject: DOSSIER,
    time: '2024-03-21T08:45:03+07:00',
    data: { requestedAt: '2024-03-21T08:45:00+07:00', amountVnd: 500_000 },
  },
  'vn.gov.tthc.dossier.paid-online.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a06',
    source: 'urn:tthc:payment-platform-dvcqg',
    type: 'vn.gov.tthc.dossier.paid-online.v1',
    subject: DOSSIER,
    time: '2024-03-21T19:02:45+07:00',
    data: { transactionId: 'PAY-20240321-0047815', amountVnd: 500_000, platform: 'payment-platform-dvcqg', paidAt: '2024-03-21T19:02:11+07:00' },
  },
  'vn.gov.tthc.dossier.apology-issued.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a07',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.apology-issued.v1',
    subject: DOSSIER,
    time: '2024-03-26T16:30:09+07:00',
    data: { issuedAt: '2024-03-26T16:30:00+07:00', newAppointmentDate: '2024-03-29' },
  },
  'vn.gov.tthc.dossier.processing-stopped.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a08',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.processing-stopped.v1',
    subject: 'H36-240315-000125',
    time: '2024-03-19T15:20:00+07:00',
    data: { stoppedAt: '2024-03-19T15:20:00+07:00', reasonCode: 'KHONG_DU_DIEU_KIEN' },
  },
  'vn.gov.tthc.dossier.handed-back.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a09',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.handed-back.v1',
    subject: 'H36-240315-000126',
    time: '2024-03-22T10:40:00+07:00',
    data: { handedBackAt: '2024-03-22T10:40:00+07:00', reasonCode: 'KHONG_BO_SUNG' },
  },
  'vn.gov.tthc.dossier.withdrawn.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a10',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.withdrawn.v1',
    subject: 'H36-240315-000127',
    time: '2024-03-18T08:05:00+07:00',
    data: { withdrawnAt: '2024-03-18T08:05:00+07:00' },
  },
  'vn.gov.tthc.dossier.processed.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a11',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.processed.v1',
    subject: DOSSIER,
    time: '2024-03-27T17:10:22+07:00',
    data: { outcome: 'approved', finishedAt: '2024-03-27T17:10:00+07:00' },
  },
  'vn.gov.tthc.dossier.result-returned.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a12',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.result-returned.v1',
    subject: DOSSIER,
    time: '2024-03-28T09:30:05+07:00',
    data: { returnedAt: '2024-03-28T09:30:00+07:00', channel: 'postal' },
  },
  'vn.gov.tthc.dossier.received.v1': {
    specversion: '1.0',
    id: '6b0e6a52-1c1f-4d0a-9a57-3f1f2c0b7a13',
    source: SOURCE,
    type: 'vn.gov.tthc.dossier.received.v1',
    subject: 'H36-240315-000128',
    time: '2024-03-15T09:12:40+07:00',
    data: {
      procedureCode: '1.002835',
      agencyCode: '000.00.01.H36',
      channel: 'in-person',
      onlineServiceLevel: 'partial',
      receivedAt: '2024-03-15T09:12:00+07:00',
      dueDate: '2024-03-22',
    },
  },
};

export const samplePath = (type: string): string => `schemas/samples/${type}.json`;

export interface InvalidSample {
  /** File name under schemas/samples/invalid/, without `.json`. */
  readonly name: string;
  /** What is wrong, for the docs. */
  readonly fault: string;
  /** The field a validator must name. */
  readonly field: string;
  readonly event: unknown;
}

const received = SAMPLES['vn.gov.tthc.dossier.received.v2'];

/** Events that every validator must refuse, each with one fault. */
export const INVALID_SAMPLES: readonly InvalidSample[] = [
  {
    name: 'unknown-field-applicant-name',
    fault: 'an unknown field (`applicantName`): personal data must not travel in events',
    field: 'data',
    event: { ...received, id: '0c2f7d1e-8f4b-4a39-b1c2-5d6e7f8a9b01', data: { ...received.data, applicantName: 'Nguyễn Văn A' } },
  },
  {
    name: 'bad-agency-code',
    fault: 'an agency name where the electronic identifier code belongs',
    field: 'data.processingAgencyCode',
    event: { ...received, id: '0c2f7d1e-8f4b-4a39-b1c2-5d6e7f8a9b02', data: { ...received.data, processingAgencyCode: 'SO-TU-PHAP-LAM-DONG' } },
  },
  {
    name: 'time-without-offset',
    fault: 'a `time` without its offset (`+07:00`): the instant is ambiguous',
    field: 'time',
    event: { ...received, id: '0c2f7d1e-8f4b-4a39-b1c2-5d6e7f8a9b03', time: '2024-03-15T08:30:12' },
  },
];

export const invalidSamplePath = (name: string): string => `schemas/samples/invalid/${name}.json`;
