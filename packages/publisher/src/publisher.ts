import { CompressionTypes, Partitioners, type Message, type Producer } from 'kafkajs';
import { toKafkaMessage, TthcError, validateDossierEvent, type AnyVersionDossierEvent, type ContentMode } from '@tthc/core';
import { createKafka, ensureKafkaReachable, IDEMPOTENT_PRODUCER_RETRY } from '@tthc/kafka';
import { createLogger, type Logger } from '@tthc/logging';
import { parsePublisherSettings, type PublisherConfig, type PublisherConfigInput } from './config';
import {
  buildDossierEvent,
  InvalidEventError,
  type ApologyIssuedData,
  type DossierEventMethod,
  type EnvelopeOf,
  type EventDataOf,
  type EventOptions,
  type FinancialObligationRequestedData,
  type HandedBackData,
  type PaidOnlineData,
  type ProcessedData,
  type ProcessingStoppedData,
  type ReceivedData,
  type RefusedAtReceptionData,
  type ResultReturnedData,
  type SupplementReceivedData,
  type SupplementRequestedData,
  type WithdrawnData,
} from './envelope';

export interface PublisherOptions extends PublisherConfigInput {
  /** pino logger for the Kafka client's logs and the SDK's (one debug line per event sent); JSON on stderr when left out. */
  readonly logger?: Logger | undefined;
}

export interface Publisher {
  /** The validated options, frozen. */
  readonly config: PublisherConfig;
  /**
   * Validates every already-built envelope, then sends them all in one request, keyed by dossier code
   * so that each dossier keeps its order. One invalid event throws `InvalidEventError` and sends none.
   */
  publish(events: readonly unknown[]): Promise<void>;
  /** Waits for the sends in hand, then leaves the broker. */
  disconnect(): Promise<void>;
}

/**
 * A publisher with a `source`: one typed method per current event type. Each builds the CloudEvents
 * envelope (UUIDv7 id, `source`, `type`, `subject` = dossier code, `time` = the event's own instant
 * unless `options.time` is given), validates it before sending (an invalid event throws
 * `InvalidEventError` and nothing is sent), sends it as one message keyed by the dossier code, and
 * returns the envelope sent. Sends go out one after another in call order. A send the broker does not
 * acknowledge throws `PublishFailedError` carrying the envelope, to resend with the same id.
 */
export interface DossierPublisher extends Publisher {
  readonly config: PublisherConfig & { readonly source: string };
  /** `received.v2`: the one-stop shop received the dossier and set its due date. */
  received(dossierCode: string, data: ReceivedData, options?: EventOptions): Promise<EnvelopeOf<'received'>>;
  /** `refused-at-reception.v1`: an online submission was not accepted at reception. */
  refusedAtReception(dossierCode: string, data: RefusedAtReceptionData, options?: EventOptions): Promise<EnvelopeOf<'refusedAtReception'>>;
  /** `supplement-requested.v1`: the applicant was asked to supplement the dossier. */
  supplementRequested(dossierCode: string, data: SupplementRequestedData, options?: EventOptions): Promise<EnvelopeOf<'supplementRequested'>>;
  /** `supplement-received.v1`: the supplement arrived; `newDueDate` replaces the due date. */
  supplementReceived(dossierCode: string, data: SupplementReceivedData, options?: EventOptions): Promise<EnvelopeOf<'supplementReceived'>>;
  /** `financial-obligation-requested.v1`: the applicant was asked to pay fees or charges. */
  financialObligationRequested(
    dossierCode: string,
    data: FinancialObligationRequestedData,
    options?: EventOptions,
  ): Promise<EnvelopeOf<'financialObligationRequested'>>;
  /** `paid-online.v1`: a payment through an online payment platform. */
  paidOnline(dossierCode: string, data: PaidOnlineData, options?: EventOptions): Promise<EnvelopeOf<'paidOnline'>>;
  /** `apology-issued.v1`: an apology letter with a new appointment date. */
  apologyIssued(dossierCode: string, data: ApologyIssuedData, options?: EventOptions): Promise<EnvelopeOf<'apologyIssued'>>;
  /** `processing-stopped.v1`: processing was stopped; the dossier ends without a result. */
  processingStopped(dossierCode: string, data: ProcessingStoppedData, options?: EventOptions): Promise<EnvelopeOf<'processingStopped'>>;
  /** `handed-back.v1`: the dossier was handed back without a result. */
  handedBack(dossierCode: string, data: HandedBackData, options?: EventOptions): Promise<EnvelopeOf<'handedBack'>>;
  /** `withdrawn.v1`: the applicant withdrew the dossier. */
  withdrawn(dossierCode: string, data: WithdrawnData, options?: EventOptions): Promise<EnvelopeOf<'withdrawn'>>;
  /** `processed.v1`: processing finished, with a result or a written refusal. */
  processed(dossierCode: string, data: ProcessedData, options?: EventOptions): Promise<EnvelopeOf<'processed'>>;
  /** `result-returned.v1`: the result was handed to the applicant. */
  resultReturned(dossierCode: string, data: ResultReturnedData, options?: EventOptions): Promise<EnvelopeOf<'resultReturned'>>;
}

/** A typed method's event that was built and valid but not acknowledged by the broker. */
export class PublishFailedError extends TthcError {
  readonly code = 'PUBLISH_FAILED';
  constructor(
    /** The envelope built: resend it as it is (`publish([event])`), so that its id stays the same. */
    readonly event: AnyVersionDossierEvent,
    cause: unknown,
  ) {
    super(`could not publish ${event.type} ${event.id}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The event as CloudEvents' Kafka binding writes it in the mode asked for, keyed by dossier code. */
const toMessage =
  (mode: ContentMode) =>
  (event: AnyVersionDossierEvent): Message =>
    toKafkaMessage(event, mode);

/**
 * Validates the options (throwing `PublisherConfigError` naming the field and rule), then connects an
 * idempotent producer. With a `source`, the publisher has the typed event methods.
 */
export function createPublisher(options: PublisherOptions & { readonly source: string }): Promise<DossierPublisher>;
export function createPublisher(options: PublisherOptions): Promise<Publisher>;
export async function createPublisher(options: PublisherOptions): Promise<DossierPublisher | Publisher> {
  const { config, security } = parsePublisherSettings(options);
  const logger = options.logger ?? createLogger();
  // The producer's own connect retries for ever; a broker that does not answer, or refuses the
  // credentials, at the start is an error now.
  await ensureKafkaReachable(config.brokers, { security });
  const kafka = createKafka({ brokers: config.brokers, security, clientId: config.clientId, logger });
  // Idempotent: a retried send is written once; one request in flight keeps per-key order.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: IDEMPOTENT_PRODUCER_RETRY,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  // One send at a time, in call order: concurrent sends on an idempotent kafkajs producer can break
  // its sequence numbers, and callers that do not await each event still get their order kept.
  let tail: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
  const send = (events: readonly AnyVersionDossierEvent[]) =>
    serially(() => producer.send({ topic: config.topic, acks: -1, compression: CompressionTypes.None, messages: events.map(toMessage(config.contentMode)) }));

  const publisher: Publisher = {
    config,
    async publish(events) {
      const valid: AnyVersionDossierEvent[] = events.map((candidate, index) => {
        const result = validateDossierEvent(candidate);
        if (!result.ok) throw new InvalidEventError(result.problems, { index });
        return result.event;
      });
      if (valid.length === 0) return;
      await send(valid);
    },
    disconnect: () => serially(() => producer.disconnect()),
  };
  const { source } = config;
  if (source === undefined) return Object.freeze(publisher);

  const typed = async <M extends DossierEventMethod>(name: M, dossierCode: string, data: EventDataOf<M>, eventOptions: EventOptions = {}) => {
    // Built and validated at the call, so ids follow call order and nothing invalid is queued.
    const event = buildDossierEvent(name, dossierCode, data, { ...eventOptions, source });
    try {
      await send([event]);
    } catch (error) {
      throw new PublishFailedError(event, error);
    }
    logger.debug({ topic: config.topic, id: event.id, type: event.type, subject: event.subject }, 'event published');
    return event;
  };
  const dossierPublisher: DossierPublisher = {
    ...publisher,
    config: Object.freeze({ ...config, source }),
    received: (code, data, o) => typed('received', code, data, o),
    refusedAtReception: (code, data, o) => typed('refusedAtReception', code, data, o),
    supplementRequested: (code, data, o) => typed('supplementRequested', code, data, o),
    supplementReceived: (code, data, o) => typed('supplementReceived', code, data, o),
    financialObligationRequested: (code, data, o) => typed('financialObligationRequested', code, data, o),
    paidOnline: (code, data, o) => typed('paidOnline', code, data, o),
    apologyIssued: (code, data, o) => typed('apologyIssued', code, data, o),
    processingStopped: (code, data, o) => typed('processingStopped', code, data, o),
    handedBack: (code, data, o) => typed('handedBack', code, data, o),
    withdrawn: (code, data, o) => typed('withdrawn', code, data, o),
    processed: (code, data, o) => typed('processed', code, data, o),
    resultReturned: (code, data, o) => typed('resultReturned', code, data, o),
  };
  return Object.freeze(dossierPublisher);
}
