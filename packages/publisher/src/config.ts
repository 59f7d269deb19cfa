import { z } from 'zod';
import { describeIssues, formatProblems, sourceUrn, TthcError, type FieldProblem } from '@tthc/core';
import { brokerList, DEFAULT_EVENTS_TOPIC } from '@tthc/kafka';

/** The client id the publisher connects with unless told otherwise (named in schemas/asyncapi.json). */
export const DEFAULT_PUBLISHER_CLIENT_ID = 'tthc-publisher';

/** What `createPublisher` is given, before validation. */
export interface PublisherConfigInput {
  /** Kafka brokers: `['host:port', …]` or `'host:port,host:port'` (as in KAFKA_BROKERS). */
  readonly brokers: string | readonly string[];
  /** Events topic; `tthc.dossier-events.v1` when left out. */
  readonly topic?: string | undefined;
  /** URN of the publishing system, e.g. `urn:tthc:lamdong-motcua`; the typed event methods need it. */
  readonly source?: string | undefined;
  /** Kafka client id; `tthc-publisher` when left out. */
  readonly clientId?: string | undefined;
}

/** The validated, frozen configuration of a publisher. */
export interface PublisherConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly source: string | undefined;
  readonly clientId: string;
}

const publisherConfig = z.strictObject({
  // An array is joined so that both forms pass the one `brokerList` rule (and its messages).
  brokers: z.preprocess((value) => (Array.isArray(value) ? value.join(',') : value), brokerList),
  topic: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,249}$/, { message: 'must be a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"' })
    .default(DEFAULT_EVENTS_TOPIC),
  source: sourceUrn.optional(),
  clientId: z.string().min(1, { message: 'must not be empty' }).max(255, { message: 'must be at most 255 characters' }).default(DEFAULT_PUBLISHER_CLIENT_ID),
});

export class PublisherConfigError extends TthcError {
  readonly code = 'INVALID_PUBLISHER_CONFIG';
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`invalid publisher options: ${formatProblems(problems)}`);
  }
}

/** Validates the options once, at creation; throws `PublisherConfigError` naming each field and rule. */
export function parsePublisherConfig(input: PublisherConfigInput): PublisherConfig {
  const { brokers, topic, source, clientId } = input;
  const result = publisherConfig.safeParse({ brokers, topic, source, clientId });
  if (!result.success) throw new PublisherConfigError(describeIssues(result.error.issues));
  const config = result.data;
  return Object.freeze({
    brokers: Object.freeze([...config.brokers]),
    topic: config.topic,
    source: config.source,
    clientId: config.clientId,
  });
}
