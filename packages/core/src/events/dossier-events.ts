import { z } from 'zod';
import { localDay } from '../time/local-day';
import { agencyCode, amountVnd, dossierCode, isoDate, isoDateTimeWithOffset, procedureCode, sourceUrn, visibleId } from './codes';

export const EVENT_TYPE_PREFIX = 'vn.gov.tthc.dossier.' as const;

export const channel = z.enum(['in-person', 'online', 'postal']).describe('Channel: in person, online (DVC), or public postal service');
export type Channel = z.infer<typeof channel>;

// Decree 42/2022 levels of an online public service.
export const onlineServiceLevel = z
  .enum(['full-process', 'partial', 'none'])
  .describe('Online service level of the procedure (Decree 42/2022): full-process (toàn trình), partial (một phần), none');
export type OnlineServiceLevel = z.infer<typeof onlineServiceLevel>;

/**
 * Cross-field rule of one event's data: `later` may not come before `earlier`. A date field is
 * compared with the Vietnamese calendar day of an instant; two instants, as instants. Fields that
 * broke their own rule are left to that rule's message.
 */
function notBefore<D extends Record<string, unknown>>(later: keyof D & string, earlier: keyof D & string, what: string) {
  return (data: D, ctx: z.RefinementCtx) => {
    const a = data[later];
    const b = data[earlier];
    if (typeof a !== 'string' || typeof b !== 'string' || !Number.isFinite(Date.parse(a)) || !Number.isFinite(Date.parse(b))) return;
    const isDate = /^\d{4}-\d{2}-\d{2}$/.test(a);
    const bound = isDate ? localDay(b) : b;
    if (isDate ? a < bound : Date.parse(a) < Date.parse(b)) {
      ctx.addIssue({ code: 'custom', path: [later], message: `must not be before ${what} (${bound})`, input: a });
    }
  };
}

const reasonCode = z
  .string()
  .regex(/^[A-Z0-9_]{1,32}$/, { message: 'must be a code of 1-32 characters A-Z, 0-9 or _' })
  .describe('Reason as a code of the source system (free text is not accepted: it may hold personal data)');

/**
 * The standard CloudEvents extensions that SDKs and tracing add (issue #23): understood, never
 * refused as unknown. `partitionkey` is the Kafka record key the official SDKs set; it names the
 * dossier, so it must be the subject. The trace context (W3C) is kept with the stored event as
 * metadata and carried into logs; it is never part of the event's content.
 */
export const CLOUD_EVENT_EXTENSIONS = {
  partitionkey: dossierCode.describe('CloudEvents partitioning extension: the Kafka record key; must equal `subject`, the dossier code'),
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, { message: 'must be a W3C traceparent such as 00-<32 hex>-<16 hex>-01' })
    .describe('Distributed tracing extension: the W3C traceparent of the send; kept as metadata, not content'),
  tracestate: z
    .string()
    .max(512, { message: 'must be at most 512 characters' })
    .regex(/^[\x20-\x7e]*$/, { message: 'must be printable ASCII (W3C tracestate)' })
    .describe('Distributed tracing extension: the W3C tracestate of the send; kept as metadata, not content'),
} as const;

/** The names of the extension attributes an event may carry. */
export const EXTENSION_ATTRIBUTES = Object.keys(CLOUD_EVENT_EXTENSIONS) as readonly (keyof typeof CLOUD_EVENT_EXTENSIONS)[];

/** The partitioning extension names the dossier: a key other than the subject would file the event under another dossier's partition. */
function partitionKeyIsSubject(event: { subject: string; partitionkey?: string | undefined }, ctx: z.RefinementCtx): void {
  if (event.partitionkey !== undefined && event.partitionkey !== event.subject) {
    ctx.addIssue({ code: 'custom', path: ['partitionkey'], message: `must equal subject (${event.subject}), the dossier code`, input: event.partitionkey });
  }
}

/** The CloudEvents 1.0 envelope every dossier event travels in; `subject` is the dossier code. */
export function cloudEvent<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z
    .strictObject({
      specversion: z.literal('1.0', { message: 'must be "1.0"' }).describe('CloudEvents version'),
      id: visibleId(128).describe('Unique id of this event; a redelivered event keeps its id'),
      source: sourceUrn,
      type: z.literal(type),
      subject: dossierCode,
      time: isoDateTimeWithOffset.describe('When the event happened in the source system'),
      datacontenttype: z.literal('application/json', { message: 'must be "application/json"' }).optional(),
      data,
      partitionkey: CLOUD_EVENT_EXTENSIONS.partitionkey.optional(),
      traceparent: CLOUD_EVENT_EXTENSIONS.traceparent.optional(),
      tracestate: CLOUD_EVENT_EXTENSIONS.tracestate.optional(),
    })
    .superRefine(partitionKeyIsSubject);
}

export const receivedV1Data = z
  .strictObject({
    procedureCode,
    agencyCode: agencyCode.describe('Agency that receives and resolves the dossier'),
    channel,
    onlineServiceLevel,
    receivedAt: isoDateTimeWithOffset,
    dueDate: isoDate.describe('Appointment date for the result (ngày hẹn trả), in working days from receipt'),
  })
  .superRefine(notBefore('dueDate', 'receivedAt', 'the day of receipt'));

/** v2 separates the one-stop shop that received the dossier from the agency that resolves it (liên thông). */
export const receivedData = z
  .strictObject({
    procedureCode,
    receivingAgencyCode: agencyCode.describe('One-stop shop (bộ phận một cửa) that received the dossier'),
    processingAgencyCode: agencyCode.describe('Agency that resolves the dossier; the figures count it here'),
    channel,
    onlineServiceLevel,
    receivedAt: isoDateTimeWithOffset,
    dueDate: isoDate.describe('Appointment date for the result (ngày hẹn trả), in working days from receipt'),
  })
  .superRefine(notBefore('dueDate', 'receivedAt', 'the day of receipt'));

export const refusedAtReceptionData = z
  .strictObject({
    procedureCode,
    agencyCode: agencyCode.describe('Agency the online submission was addressed to'),
    submittedAt: isoDateTimeWithOffset,
    refusedAt: isoDateTimeWithOffset,
    reasonCode: reasonCode.optional(),
  })
  .superRefine(notBefore('refusedAt', 'submittedAt', 'the submission'));

/**
 * A later event of a dossier whose agency has ended may name the successor that now handles it, when
 * the work went to several (the registry's `successors`): from that event on, the dossier counts there.
 */
const handlingAgencyCode = agencyCode.describe(
  "Successor agency that handles the dossier from this event on, when its agency has ended and the work went to several; one of the registry's successors",
);

/** The data of an event that follows a dossier's receipt: its own fields, and the successor that may now handle it. */
const laterEventData = <S extends z.ZodRawShape>(shape: S) => z.strictObject({ ...shape, handlingAgencyCode: handlingAgencyCode.optional() });

export const supplementRequestedData = laterEventData({ requestedAt: isoDateTimeWithOffset, reasonCode: reasonCode.optional() });

export const supplementReceivedData = laterEventData({
  receivedAt: isoDateTimeWithOffset,
  newDueDate: isoDate.describe('New appointment date set by the source system: a supplement restarts the clock'),
}).superRefine(notBefore('newDueDate', 'receivedAt', 'the day the supplement arrived'));

export const financialObligationRequestedData = laterEventData({ requestedAt: isoDateTimeWithOffset, amountVnd });

export const paidOnlineData = laterEventData({
  transactionId: visibleId(64).describe("Payment platform's transaction id; with the platform, the payment's natural key"),
  amountVnd,
  platform: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: 'must be a lower-case platform code such as payment-platform-dvcqg' })
    .describe('Payment platform code'),
  paidAt: isoDateTimeWithOffset,
});

export const apologyIssuedData = laterEventData({
  issuedAt: isoDateTimeWithOffset,
  newAppointmentDate: isoDate.describe('Date promised in the apology (form 04, Circular 01/2018/TT-VPCP); the dossier stays late against the original date'),
}).superRefine(notBefore('newAppointmentDate', 'issuedAt', 'the day of the apology'));

export const processingStoppedData = laterEventData({ stoppedAt: isoDateTimeWithOffset, reasonCode: reasonCode.optional() });
export const handedBackData = laterEventData({ handedBackAt: isoDateTimeWithOffset, reasonCode: reasonCode.optional() });
export const withdrawnData = laterEventData({ withdrawnAt: isoDateTimeWithOffset });

export const processedData = laterEventData({
  outcome: z.enum(['approved', 'refused']).describe('Result of processing: approved (result issued) or refused (written refusal)'),
  finishedAt: isoDateTimeWithOffset.describe('When processing finished: the time compared with the due date'),
});

export const resultReturnedData = laterEventData({ returnedAt: isoDateTimeWithOffset, channel });

/** `vn.gov.tthc.dossier.<name>.v<version>`, typed as that literal. */
const T = <N extends string, V extends number>(name: N, version: V): `vn.gov.tthc.dossier.${N}.v${V}` => `${EVENT_TYPE_PREFIX}${name}.v${version}`;

export const dossierReceivedV1 = cloudEvent(T('received', 1), receivedV1Data);
export const dossierReceived = cloudEvent(T('received', 2), receivedData);
export const dossierRefusedAtReception = cloudEvent(T('refused-at-reception', 1), refusedAtReceptionData);
export const dossierSupplementRequested = cloudEvent(T('supplement-requested', 1), supplementRequestedData);
export const dossierSupplementReceived = cloudEvent(T('supplement-received', 1), supplementReceivedData);
export const dossierFinancialObligationRequested = cloudEvent(T('financial-obligation-requested', 1), financialObligationRequestedData);
export const dossierPaidOnline = cloudEvent(T('paid-online', 1), paidOnlineData);
export const dossierApologyIssued = cloudEvent(T('apology-issued', 1), apologyIssuedData);
export const dossierProcessingStopped = cloudEvent(T('processing-stopped', 1), processingStoppedData);
export const dossierHandedBack = cloudEvent(T('handed-back', 1), handedBackData);
export const dossierWithdrawn = cloudEvent(T('withdrawn', 1), withdrawnData);
export const dossierProcessed = cloudEvent(T('processed', 1), processedData);
export const dossierResultReturned = cloudEvent(T('result-returned', 1), resultReturnedData);

/** The current version of every event: what projections and the lifecycle see. */
export const dossierEvent = z.discriminatedUnion('type', [
  dossierReceived,
  dossierRefusedAtReception,
  dossierSupplementRequested,
  dossierSupplementReceived,
  dossierFinancialObligationRequested,
  dossierPaidOnline,
  dossierApologyIssued,
  dossierProcessingStopped,
  dossierHandedBack,
  dossierWithdrawn,
  dossierProcessed,
  dossierResultReturned,
]);

/** Every version accepted at the door: current ones and older ones that an upcaster lifts. */
export const anyVersionDossierEvent = z.discriminatedUnion('type', [...dossierEvent.options, dossierReceivedV1]);

export type DossierEvent = z.infer<typeof dossierEvent>;
export type AnyVersionDossierEvent = z.infer<typeof anyVersionDossierEvent>;
export type DossierEventType = DossierEvent['type'];
export type AnyDossierEventType = AnyVersionDossierEvent['type'];
export type DossierEventOf<K extends DossierEventType> = Extract<DossierEvent, { type: K }>;

export const DOSSIER_EVENT_TYPES: readonly DossierEventType[] = dossierEvent.options.map((o) => o.shape.type.value);
export const ACCEPTED_EVENT_TYPES: readonly AnyDossierEventType[] = anyVersionDossierEvent.options.map((o) => o.shape.type.value);
