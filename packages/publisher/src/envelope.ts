import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import {
  describeIssues,
  dossierApologyIssued,
  dossierFinancialObligationRequested,
  dossierHandedBack,
  dossierPaidOnline,
  dossierProcessed,
  dossierProcessingStopped,
  dossierReceived,
  dossierRefusedAtReception,
  dossierResultReturned,
  dossierSupplementReceived,
  dossierSupplementRequested,
  dossierWithdrawn,
  formatProblems,
  TthcError,
  type apologyIssuedData,
  type dossierEvent,
  type FieldProblem,
  type financialObligationRequestedData,
  type handedBackData,
  type paidOnlineData,
  type processedData,
  type processingStoppedData,
  type receivedData,
  type refusedAtReceptionData,
  type resultReturnedData,
  type supplementReceivedData,
  type supplementRequestedData,
  type withdrawnData,
} from '@tthc/core';

/** The `data` a one-stop-shop system gives each typed method, as the event schemas accept it. */
export type ReceivedData = z.input<typeof receivedData>;
export type RefusedAtReceptionData = z.input<typeof refusedAtReceptionData>;
export type SupplementRequestedData = z.input<typeof supplementRequestedData>;
export type SupplementReceivedData = z.input<typeof supplementReceivedData>;
export type FinancialObligationRequestedData = z.input<typeof financialObligationRequestedData>;
export type PaidOnlineData = z.input<typeof paidOnlineData>;
export type ApologyIssuedData = z.input<typeof apologyIssuedData>;
export type ProcessingStoppedData = z.input<typeof processingStoppedData>;
export type HandedBackData = z.input<typeof handedBackData>;
export type WithdrawnData = z.input<typeof withdrawnData>;
export type ProcessedData = z.input<typeof processedData>;
export type ResultReturnedData = z.input<typeof resultReturnedData>;

type CurrentEventSchema = (typeof dossierEvent.options)[number];

/** One typed method: the schema of its event and the `data` field holding the instant it happened. */
const method = <S extends CurrentEventSchema>(schema: S, instant: keyof z.input<S>['data'] & string) => ({ schema, instant });

/** Every current event type, by the name of its publisher method. */
export const EVENT_METHODS = {
  received: method(dossierReceived, 'receivedAt'),
  refusedAtReception: method(dossierRefusedAtReception, 'refusedAt'),
  supplementRequested: method(dossierSupplementRequested, 'requestedAt'),
  supplementReceived: method(dossierSupplementReceived, 'receivedAt'),
  financialObligationRequested: method(dossierFinancialObligationRequested, 'requestedAt'),
  paidOnline: method(dossierPaidOnline, 'paidAt'),
  apologyIssued: method(dossierApologyIssued, 'issuedAt'),
  processingStopped: method(dossierProcessingStopped, 'stoppedAt'),
  handedBack: method(dossierHandedBack, 'handedBackAt'),
  withdrawn: method(dossierWithdrawn, 'withdrawnAt'),
  processed: method(dossierProcessed, 'finishedAt'),
  resultReturned: method(dossierResultReturned, 'returnedAt'),
} as const;

export type DossierEventMethod = keyof typeof EVENT_METHODS;
/** The `data` of a method's event, as given (input of its zod schema). */
export type EventDataOf<M extends DossierEventMethod> = z.input<(typeof EVENT_METHODS)[M]['schema']>['data'];
/** The envelope a method builds and sends, as validated. */
export type EnvelopeOf<M extends DossierEventMethod> = z.output<(typeof EVENT_METHODS)[M]['schema']>;

export interface EventOptions {
  /**
   * CloudEvents `time`; by default the event's own instant in `data` (`receivedAt`, `finishedAt`, …),
   * so that a replayed history keeps its times.
   */
  readonly time?: string | undefined;
  /**
   * The event id; by default a new UUIDv7. Give the id of an earlier attempt to resend the same event:
   * the event store recognises it as a duplicate.
   */
  readonly id?: string | undefined;
}

export interface BuildOptions extends EventOptions {
  /** URN of the publishing system. */
  readonly source: string;
}

/** Where an invalid event came from: its index in `publish`, or the type a typed method builds. */
export interface InvalidEventContext {
  readonly index?: number | undefined;
  readonly type?: string | undefined;
}

/** An event that fails its schema; nothing was sent. `problems` name each field and the rule it breaks. */
export class InvalidEventError extends TthcError {
  readonly code = 'INVALID_EVENT';
  /** The problems as `field: rule; …`, as the pipeline words its refusals. */
  readonly detail: string;
  readonly index: number | undefined;
  readonly type: string | undefined;
  constructor(
    readonly problems: readonly FieldProblem[],
    context: InvalidEventContext = {},
  ) {
    const detail = formatProblems(problems);
    super(context.index !== undefined ? `event ${context.index} is invalid: ${detail}` : `invalid ${context.type ?? 'dossier'} event: ${detail}`);
    this.detail = detail;
    this.index = context.index;
    this.type = context.type;
  }
}

/** A new event id: a UUIDv7, time-ordered, and increasing within this process even in the same millisecond. */
export const newEventId = (): string => uuidv7();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Builds the CloudEvents envelope of one event and validates it with the schema the pipeline uses;
 * throws `InvalidEventError` (naming each field and rule) when it is not valid.
 */
export function buildDossierEvent<M extends DossierEventMethod>(name: M, dossierCode: string, data: EventDataOf<M>, options: BuildOptions): EnvelopeOf<M> {
  const { schema, instant } = EVENT_METHODS[name];
  const type: string = schema.shape.type.value;
  const given: unknown = data;
  const ownInstant = isRecord(given) ? given[instant] : undefined;
  const candidate = {
    specversion: '1.0',
    id: options.id ?? newEventId(),
    source: options.source,
    type,
    subject: dossierCode,
    time: options.time ?? (typeof ownInstant === 'string' ? ownInstant : undefined),
    data,
  };
  const envelope: z.ZodType = schema;
  const result = envelope.safeParse(candidate);
  // The schema is the one of method M, so its output is M's envelope.
  if (result.success) return result.data as EnvelopeOf<M>;
  const problems = describeIssues(result.error.issues);
  // A `time` taken from `data` is wrong only when that field is, and its own problem already names it.
  const own = options.time === undefined ? problems.filter((p) => p.field !== 'time') : problems;
  throw new InvalidEventError(own.length > 0 ? own : problems, { type });
}
