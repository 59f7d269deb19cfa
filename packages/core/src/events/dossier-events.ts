import { z } from 'zod';
import { agencyCode, dossierCode, isoDate, isoDateTimeWithOffset, procedureCode } from './codes';

export const EVENT_TYPE_PREFIX = 'vn.gov.tthc.dossier.';

export const channel = z.enum(['in-person', 'online', 'postal']);
export type Channel = z.infer<typeof channel>;

// Decree 42/2022 levels of an online public service.
export const onlineServiceLevel = z.enum(['full-process', 'partial', 'none']);
export type OnlineServiceLevel = z.infer<typeof onlineServiceLevel>;

export const dossierReceivedData = z.strictObject({
  procedureCode,
  agencyCode,
  channel,
  onlineServiceLevel,
  receivedAt: isoDateTimeWithOffset,
  dueDate: isoDate,
});

export const dossierProcessedData = z.strictObject({
  outcome: z.enum(['approved', 'refused']),
  finishedAt: isoDateTimeWithOffset,
});

export const dossierResultReturnedData = z.strictObject({
  returnedAt: isoDateTimeWithOffset,
  channel,
});

export const dossierPaidOnlineData = z.strictObject({
  transactionId: z.string().min(1).max(64),
  amountVnd: z.number().int().positive().max(1_000_000_000_000),
  platform: z.string().min(1).max(64),
  paidAt: isoDateTimeWithOffset,
});

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.strictObject({
    specversion: z.literal('1.0'),
    id: z.string().min(1).max(128),
    source: z.string().regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]{1,200}$/i, { message: 'must be a URN such as urn:tthc:lamdong-motcua' }),
    type: z.literal(type),
    subject: dossierCode,
    time: isoDateTimeWithOffset,
    datacontenttype: z.literal('application/json').optional(),
    data,
  });

export const dossierReceived = envelope('vn.gov.tthc.dossier.received.v1', dossierReceivedData);
export const dossierProcessed = envelope('vn.gov.tthc.dossier.processed.v1', dossierProcessedData);
export const dossierResultReturned = envelope('vn.gov.tthc.dossier.result-returned.v1', dossierResultReturnedData);
export const dossierPaidOnline = envelope('vn.gov.tthc.dossier.paid-online.v1', dossierPaidOnlineData);

export const dossierEvent = z.discriminatedUnion('type', [
  dossierReceived,
  dossierProcessed,
  dossierResultReturned,
  dossierPaidOnline,
]);

export type DossierReceived = z.infer<typeof dossierReceived>;
export type DossierProcessed = z.infer<typeof dossierProcessed>;
export type DossierResultReturned = z.infer<typeof dossierResultReturned>;
export type DossierPaidOnline = z.infer<typeof dossierPaidOnline>;
export type DossierEvent = z.infer<typeof dossierEvent>;
export type DossierEventType = DossierEvent['type'];

export const DOSSIER_EVENT_TYPES: readonly DossierEventType[] = dossierEvent.options.map((o) => o.shape.type.value);
