import { z } from 'zod';
import { CONTENT_MODES, describeIssues, formatProblems, sourceUrn, TthcError, type ContentMode, type FieldProblem } from '@tthc/core';
import {
  brokerList,
  CLIENT_IDS,
  DEFAULT_EVENTS_TOPIC,
  DEFAULT_REGISTRY_TOPIC,
  kafkaSecurity,
  topicName,
  type KafkaSasl,
  type KafkaSecurity,
  type KafkaTls,
  type SaslMechanism,
} from '@tthc/kafka';

/** What the publisher does unless told otherwise. */
export const PUBLISHER_DEFAULTS = {
  topic: DEFAULT_EVENTS_TOPIC,
  /** Where `publishRegistry` sends agency registry versions. */
  registryTopic: DEFAULT_REGISTRY_TOPIC,
  clientId: CLIENT_IDS.publisher,
  /** CloudEvents' structured content mode: the whole envelope as the message value. */
  contentMode: 'structured' as ContentMode,
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
  /**
   * CloudEvents' Kafka content mode: `structured` (the default) sends the whole envelope as the value
   * with `content-type: application/cloudevents+json`; `binary` sends `data` alone as the value with
   * `content-type: application/json` and each other attribute as a `ce_` header. Ingest reads both.
   */
  readonly contentMode?: ContentMode | undefined;
  /** TLS to the brokers: `true` trusts Node's CAs; `{ ca }` trusts this CA (PEM text); `cert` and `key` for mutual TLS. */
  readonly tls?: boolean | KafkaTls | undefined;
  /** SASL credentials: `{ mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain', username, password }`. */
  readonly sasl?: KafkaSasl | undefined;
}

/** The validated, frozen configuration of a publisher. */
export interface PublisherConfig {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly source: string | undefined;
  readonly clientId: string;
  readonly contentMode: ContentMode;
  /** Whether TLS is on and who SASL authenticates as; the password is kept out of the config, which callers may log. */
  readonly security: { readonly tls: boolean; readonly sasl: { readonly mechanism: SaslMechanism; readonly username: string } | undefined };
}

const publisherConfig = z.strictObject({
  // An array is joined so that both forms pass the one `brokerList` rule (and its messages).
  brokers: z.preprocess((value) => (Array.isArray(value) ? value.join(',') : value), brokerList),
  topic: topicName.default(PUBLISHER_DEFAULTS.topic),
  source: sourceUrn.optional(),
  clientId: z.string().min(1, { message: 'must not be empty' }).max(255, { message: 'must be at most 255 characters' }).default(PUBLISHER_DEFAULTS.clientId),
  contentMode: z.enum(CONTENT_MODES, { message: 'must be structured or binary' }).default(PUBLISHER_DEFAULTS.contentMode),
  ...kafkaSecurity.shape,
});

export class PublisherConfigError extends TthcError {
  readonly code = 'INVALID_PUBLISHER_CONFIG';
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`invalid publisher options: ${formatProblems(problems)}`);
  }
}

/** Validates the options once, at creation; throws `PublisherConfigError` naming each field and rule. */
export function parsePublisherConfig(input: PublisherConfigInput): PublisherConfig {
  return parsePublisherSettings(input).config;
}

/** The validated config and, apart from it, the security settings with their secrets, for the Kafka client alone. */
export function parsePublisherSettings(input: PublisherConfigInput): { config: PublisherConfig; security: KafkaSecurity } {
  const { brokers, topic, source, clientId, contentMode, tls, sasl } = input;
  const result = publisherConfig.safeParse({ brokers, topic, source, clientId, contentMode, tls, sasl });
  if (!result.success) throw new PublisherConfigError(describeIssues(result.error.issues));
  const parsed = result.data;
  const security: KafkaSecurity = { tls: parsed.tls, sasl: parsed.sasl };
  const config: PublisherConfig = Object.freeze({
    brokers: Object.freeze([...parsed.brokers]),
    topic: parsed.topic,
    source: parsed.source,
    clientId: parsed.clientId,
    contentMode: parsed.contentMode,
    security: Object.freeze({
      tls: parsed.tls !== undefined && parsed.tls !== false,
      sasl: parsed.sasl === undefined ? undefined : Object.freeze({ mechanism: parsed.sasl.mechanism, username: parsed.sasl.username }),
    }),
  });
  return { config, security };
}
