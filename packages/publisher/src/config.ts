import { z } from 'zod';
import { describeIssues, formatProblems, sourceUrn, TthcError, type FieldProblem } from '@tthc/core';
import { brokerList, CLIENT_IDS, DEFAULT_EVENTS_TOPIC, DEFAULT_REGISTRY_TOPIC, topicName } from '@tthc/kafka';

/** What the publisher does unless told otherwise. */
export const PUBLISHER_DEFAULTS = {
  topic: DEFAULT_EVENTS_TOPIC,
  /** Where `publishRegistry` sends agency registry versions. */
  registryTopic: DEFAULT_REGISTRY_TOPIC,
  clientId: CLIENT_IDS.publisher,
} as const;

/** What `createPublisher` is given, before validation. */
export interface PublisherConfigInput {
  /** Kafka brokers: `['host:port', …]` or `'host:port,host:port'` (as in KAFKA_BROKERS). */
  readonly brokers: string | readonly string[];
  /** Events topic; PUBLISHER_DEFAULTS.topic when left out. */
  readonly topic?: string | undefined;
  /** URN of the publishing system, e.g. `urn:tthc:lamdong-motcua`; the typed event methods need it. */
  readonly source?: string | undefined;
  /** Kafka client id; PUBLISHER_DEFAULTS.clientId when left out. */
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
  topic: topicName.default(PUBLISHER_DEFAULTS.topic),
  source: sourceUrn.optional(),
  clientId: z.string().min(1, { message: 'must not be empty' }).max(255, { message: 'must be at most 255 characters' }).default(PUBLISHER_DEFAULTS.clientId),
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
