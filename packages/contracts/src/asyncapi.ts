import { z } from 'zod';
import {
  AGENCY_REGISTRY_EVENT_TYPE,
  agencyRegistryEvent,
  anyVersionDossierEvent,
  BINARY_CONTENT_TYPE,
  CE_HEADER_PREFIX,
  CONTENT_TYPE_HEADER,
  dossierCode,
  STRUCTURED_CONTENT_TYPE,
  toKafkaMessage,
  type AnyDossierEventType,
} from '@tthc/core';
import {
  CLIENT_IDS,
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_DEAD_LETTER_TOPIC,
  DEFAULT_EVENTS_TOPIC,
  DEFAULT_REGISTRY_TOPIC,
  DEFAULT_SYNC_CONSUMER_GROUP,
  DEFAULT_SYNC_TOPIC,
} from '@tthc/kafka';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS } from './dead-letters';
import { ACCEPTED_TYPES, isCurrentType, schemaPath } from './event-schemas';
import { isJsonObject, type JsonObject } from './json';
import { REGISTRY_SAMPLE, registrySamplePath } from './registry-samples';
import { REGISTRY_EVENT_SCHEMA_PATH } from './registry-schemas';
import { SAMPLES } from './samples';
import { SYNC_RECORD_SAMPLE, SYNC_RECORD_SAMPLE_PATH, SYNC_RECORD_SCHEMA_PATH } from './sync-record-schema';

export const ASYNCAPI_PATH = 'schemas/asyncapi.json';
const KAFKA_BINDING_VERSION = '0.5.0';

/** A schema the contracts build from a zod schema (no `$schema`: it sits inside another document). */
function fragment(schema: z.ZodType): JsonObject {
  const generated: unknown = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
  if (!isJsonObject(generated)) throw new Error('zod gave no object schema');
  const { $schema: _ignored, ...rest } = generated;
  return rest;
}

/** A reference from schemas/asyncapi.json to a file beside it. */
const relative = (path: string): string => `./${path.replace(/^schemas\//, '')}`;

/** The Kafka key of every event message: the dossier code. */
const eventKey = (): JsonObject => ({
  ...fragment(dossierCode),
  description: 'The dossier code, the same as `subject`: one dossier, one partition, its events in order',
});

const KAFKA_BINDING_SPEC = 'https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md';

/** A type's message in CloudEvents' structured content mode: the whole envelope as the value. */
function structuredMessage(type: AnyDossierEventType): JsonObject {
  const sample = SAMPLES[type];
  const current = isCurrentType(type);
  const message = toKafkaMessage(sample, 'structured');
  return {
    name: type,
    title: `${type} (structured mode)`,
    summary: `${current ? `A ${type} event` : `A ${type} event: an older version, still accepted; an upcaster lifts it to the current one`}, in CloudEvents' structured content mode: the whole envelope as the value.`,
    description: `CloudEvents' Kafka protocol binding (${KAFKA_BINDING_SPEC}): a content-type starting with application/cloudevents makes the message structured. A message with neither a content-type nor any ce_ header is read as structured too. The extensions partitionkey, traceparent and tracestate may be in the envelope.`,
    contentType: 'application/cloudevents+json',
    headers: {
      type: 'object',
      properties: {
        [CONTENT_TYPE_HEADER]: {
          type: 'string',
          pattern: '^[Aa][Pp][Pp][Ll][Ii][Cc][Aa][Tt][Ii][Oo][Nn]/[Cc][Ll][Oo][Uu][Dd][Ee][Vv][Ee][Nn][Tt][Ss]\\+[Jj][Ss][Oo][Nn]',
          description: `The JSON event format, ${STRUCTURED_CONTENT_TYPE} as @tthc/publisher writes it; a charset other than UTF-8 is refused`,
        },
      },
    },
    payload: { $ref: relative(schemaPath(type)) },
    bindings: { kafka: { key: eventKey(), bindingVersion: KAFKA_BINDING_VERSION } },
    ...(current ? {} : { deprecated: true }),
    examples: [
      {
        name: 'structured',
        summary: `schemas/samples/${type}.json, as @tthc/publisher sends it`,
        headers: message.headers,
        payload: sample as unknown as JsonObject,
      },
    ],
  };
}

/** A type's message in CloudEvents' binary content mode: `data` alone as the value, every other attribute a `ce_` header. */
function binaryMessage(type: AnyDossierEventType): JsonObject {
  const sample = SAMPLES[type];
  const current = isCurrentType(type);
  const message = toKafkaMessage(sample, 'binary');
  const envelope = anyVersionDossierEvent.options.find((o) => o.shape.type.value === type);
  if (envelope === undefined) throw new Error(`no schema for ${type}`);
  const attribute = (name: string, schema: z.ZodType, description?: string): [string, JsonObject] => [
    `${CE_HEADER_PREFIX}${name}`,
    { ...fragment(schema), ...(description !== undefined ? { description } : {}) },
  ];
  const { specversion, id, source, subject, time, partitionkey, traceparent, tracestate } = envelope.shape;
  const required = ['specversion', 'id', 'source', 'type', 'subject', 'time'].map((a) => `${CE_HEADER_PREFIX}${a}`);
  return {
    name: `${type}.binary`,
    title: `${type} (binary mode)`,
    summary: `${current ? `A ${type} event` : `A ${type} event: an older version, still accepted`}, in CloudEvents' binary content mode: data alone as the value, each other attribute a ce_ header.`,
    description: `CloudEvents' Kafka protocol binding (${KAFKA_BINDING_SPEC}): any content-type not starting with application/cloudevents makes the message binary, and is the media type of data. The official SDKs write ce_datacontenttype beside it, which must then agree. A ce_ header of any other attribute, one written twice or one that is not UTF-8 is refused, naming it; headers without the ce_ prefix are not read.`,
    contentType: BINARY_CONTENT_TYPE,
    headers: {
      type: 'object',
      properties: Object.fromEntries([
        [CONTENT_TYPE_HEADER, { type: 'string', pattern: '^application/json(;\\s*charset=(utf|UTF)-8)?$', description: 'The media type of data' }],
        attribute('specversion', specversion),
        attribute('id', id),
        attribute('source', source),
        [`${CE_HEADER_PREFIX}type`, { type: 'string', const: type }],
        attribute('subject', subject, 'The dossier code, the same as the key'),
        attribute('time', time),
        [
          `${CE_HEADER_PREFIX}datacontenttype`,
          { type: 'string', const: BINARY_CONTENT_TYPE, description: 'As the SDKs write it beside content-type; the two must agree' },
        ],
        attribute('partitionkey', partitionkey.unwrap(), 'CloudEvents partitioning extension: must equal ce_subject'),
        attribute(
          'traceparent',
          traceparent.unwrap(),
          'W3C trace context: kept with the stored event as metadata and written into log lines about the message',
        ),
        attribute('tracestate', tracestate.unwrap()),
      ]),
      required: [CONTENT_TYPE_HEADER, ...required],
    },
    payload: { $ref: `${relative(schemaPath(type))}#/properties/data` },
    bindings: { kafka: { key: eventKey(), bindingVersion: KAFKA_BINDING_VERSION } },
    ...(current ? {} : { deprecated: true }),
    examples: [
      {
        name: 'binary',
        summary: `schemas/samples/${type}.json in binary mode, as @tthc/publisher sends it with contentMode binary`,
        headers: message.headers,
        payload: sample.data as unknown as JsonObject,
      },
    ],
  };
}

/** Every event message id: each accepted type in both content modes. */
const EVENT_MESSAGE_IDS = ACCEPTED_TYPES.flatMap((type) => [type, `${type}.binary`]);

const deadLetterMessage: JsonObject = {
  name: 'dead-letter',
  title: 'Dead letter',
  summary:
    "A message from the events topic that was not stored, with its original key, what its letter keeps of the value and of the headers (a binary event's ce_ headers among them), and the reason.",
  contentType: 'application/octet-stream',
  headers: {
    type: 'object',
    properties: {
      [DEAD_LETTER_HEADERS.reason]: {
        type: 'string',
        enum: DEAD_LETTER_REASONS.map((r) => r.code),
        description: DEAD_LETTER_REASONS.map((r) => `${r.code}: ${r.meaning}`).join('; '),
      },
      [DEAD_LETTER_HEADERS.message]: {
        type: 'string',
        description:
          'Human-readable reason naming the field and the rule broken, e.g. "data.processingAgencyCode: must be an agency code such as 000.00.00.H36"',
      },
      [DEAD_LETTER_HEADERS.sourceTopic]: { type: 'string', description: 'Topic the original message was consumed from' },
      [DEAD_LETTER_HEADERS.sourcePartition]: { type: 'string', pattern: '^[0-9]+$', description: 'Partition of the original message, in decimal' },
      [DEAD_LETTER_HEADERS.sourceOffset]: { type: 'string', pattern: '^[0-9]+$', description: 'Offset of the original message, in decimal' },
    },
    required: Object.values(DEAD_LETTER_HEADERS),
  },
  payload: {
    description:
      'What the letter keeps of the message value (docs/data-protection.md): a valid event byte for byte; of an event that failed its schema, its known fields, and "[redacted: …]" in place of the value of each field the schema forbids; of a value that was not read as JSON, only "[redacted: N bytes that were not read; sha256 …]"; for a record of the DVCQG sync topic that could not be read into events, only its non-personal fields, as {"door":"dvcqg","source":…,"record":{…}} (docs/dvcqg.md)',
  },
  bindings: {
    kafka: {
      key: { type: 'string', description: 'The original message key, unchanged' },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
};

const registryMessage: JsonObject = {
  name: AGENCY_REGISTRY_EVENT_TYPE,
  title: 'Agency registry version',
  summary:
    'A whole agency registry (effective-dated agencies and the systems that may publish for them) as a CloudEvent; the latest version of each registry name is the one in force. docs/registry.md explains the format and how a change is adopted.',
  contentType: 'application/json',
  payload: { $ref: relative(REGISTRY_EVENT_SCHEMA_PATH) },
  bindings: {
    kafka: {
      key: {
        ...fragment(agencyRegistryEvent.shape.subject),
        description: 'The registry name, the same as `subject` in the value: compaction keeps the latest version per name',
      },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
  examples: [{ name: 'sample', summary: registrySamplePath(), payload: REGISTRY_SAMPLE as unknown as JsonObject }],
};

const syncRecordMessage: JsonObject = {
  name: 'dvcqg-sync-record',
  title: 'DVCQG dossier sync record (DongBoHoSoMC)',
  summary:
    "A dossier's current record, as one-stop-shop systems post it to the national public-service portal each time the dossier changes. The ingest service reads it into lifecycle events (docs/dvcqg.md); the applicant's fields are dropped before anything is stored.",
  contentType: 'application/json',
  payload: { $ref: relative(SYNC_RECORD_SCHEMA_PATH) },
  bindings: {
    kafka: {
      key: { type: 'string', description: "The dossier code (MaHoSo), so that a dossier's records keep their order" },
      bindingVersion: KAFKA_BINDING_VERSION,
    },
  },
  examples: [{ name: 'sample', summary: SYNC_RECORD_SAMPLE_PATH, payload: SYNC_RECORD_SAMPLE }],
};

const messageRef = (channel: string, id: string): JsonObject => ({ $ref: `#/channels/${channel}/messages/${id}` });

/** The AsyncAPI 3.0.0 description of the events topic, its dead-letter topic and the agency registry topic. */
export function asyncApiDocument(): JsonObject {
  const eventMessages = Object.fromEntries(EVENT_MESSAGE_IDS.map((id) => [id, { $ref: `#/components/messages/${id}` }]));
  return {
    asyncapi: '3.0.0',
    id: 'urn:tthc:asyncapi:dossier-events',
    info: {
      title: 'TTHC dossier events',
      version: '1.1.0',
      description:
        'Dossier lifecycle events of Vietnamese administrative procedures (TTHC), published by one-stop-shop systems and payment platforms and consumed by the TTHC ingest service, and the agency registry they are checked against. Generated by packages/contracts from the zod schemas; docs/events.md explains every event field and rule, docs/registry.md the registry.',
    },
    defaultContentType: 'application/json',
    channels: {
      dossierEvents: {
        address: DEFAULT_EVENTS_TOPIC,
        title: 'Dossier events',
        description:
          "One CloudEvents 1.0 event per message, in either content mode of CloudEvents' Kafka protocol binding, told apart by the content-type header: structured (the whole envelope as JSON in the value) or binary (data as JSON in the value, every other attribute a ce_ header). The key is the dossier code, so each dossier's events keep their order. Each message is one of the accepted event types, in one of the two modes.",
        messages: eventMessages,
      },
      deadLetters: {
        address: DEFAULT_DEAD_LETTER_TOPIC,
        title: 'Dead letters',
        description: 'Messages of the events topic that the ingest service did not store, with the reason.',
        messages: { 'dead-letter': { $ref: '#/components/messages/dead-letter' } },
      },
      dvcqgSync: {
        address: DEFAULT_SYNC_TOPIC,
        title: 'DVCQG dossier sync records',
        description:
          'The second door: one DongBoHoSoMC record per message, keyed by dossier code, from a system that already synchronises its dossiers with the national portal. The records do not name their system: the ingest process reading this topic is told it (`--source`), and the registry authorises it as any publisher.',
        messages: { 'dvcqg-sync-record': { $ref: '#/components/messages/dvcqg-sync-record' } },
      },
      agencyRegistry: {
        address: DEFAULT_REGISTRY_TOPIC,
        title: 'Agency registry',
        description:
          'Versions of the agency registry that ingest checks every event against, one whole registry per message, keyed by registry name. Compacted, one partition: the order of versions is the order of publication.',
        messages: { [AGENCY_REGISTRY_EVENT_TYPE]: { $ref: `#/components/messages/${AGENCY_REGISTRY_EVENT_TYPE}` } },
        bindings: { kafka: { partitions: 1, topicConfiguration: { 'cleanup.policy': ['compact'] }, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    operations: {
      publishDossierEvent: {
        action: 'send',
        channel: { $ref: '#/channels/dossierEvents' },
        title: 'A one-stop-shop system publishes a dossier event',
        summary: 'One-stop-shop systems (and payment platforms) send each dossier event, keyed by dossier code, after validating it.',
        bindings: { kafka: { clientId: { type: 'string', const: CLIENT_IDS.publisher }, bindingVersion: KAFKA_BINDING_VERSION } },
        messages: EVENT_MESSAGE_IDS.map((id) => messageRef('dossierEvents', id)),
      },
      ingestDossierEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/dossierEvents' },
        title: 'The ingest service stores dossier events',
        summary: 'The ingest service consumes the topic as one consumer group and appends every valid event to the event store.',
        bindings: {
          kafka: {
            groupId: { type: 'string', const: DEFAULT_CONSUMER_GROUP },
            clientId: { type: 'string', const: CLIENT_IDS.ingest },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        messages: EVENT_MESSAGE_IDS.map((id) => messageRef('dossierEvents', id)),
      },
      ingestSyncRecords: {
        action: 'receive',
        channel: { $ref: '#/channels/dvcqgSync' },
        title: 'The ingest service reads sync records into dossier events',
        summary:
          'tthc ingest --format dvcqg consumes the topic as a consumer group of its own, reads each record into the events it states, with ids from the dossier and the change, and stores the new ones; a record that cannot be read is a dead letter.',
        bindings: {
          kafka: {
            groupId: { type: 'string', const: DEFAULT_SYNC_CONSUMER_GROUP },
            clientId: { type: 'string', const: CLIENT_IDS.ingest },
            bindingVersion: KAFKA_BINDING_VERSION,
          },
        },
        messages: [messageRef('dvcqgSync', 'dvcqg-sync-record')],
      },
      sendDeadLetter: {
        action: 'send',
        channel: { $ref: '#/channels/deadLetters' },
        title: 'The ingest service sends a rejected message to the dead-letter topic',
        summary:
          'A consumed message that is not stored goes to the dead-letter topic with its original key, what its letter keeps of the value, and the reason.',
        messages: [messageRef('deadLetters', 'dead-letter')],
      },
      publishAgencyRegistry: {
        action: 'send',
        channel: { $ref: '#/channels/agencyRegistry' },
        title: 'A province publishes a new version of its agency registry',
        summary:
          'tthc publish (or @tthc/publisher publishRegistry) validates the registry and sends it, keyed by registry name, waiting for every in-sync replica.',
        bindings: { kafka: { clientId: { type: 'string', const: CLIENT_IDS.publisher }, bindingVersion: KAFKA_BINDING_VERSION } },
        messages: [messageRef('agencyRegistry', AGENCY_REGISTRY_EVENT_TYPE)],
      },
      followAgencyRegistry: {
        action: 'receive',
        channel: { $ref: '#/channels/agencyRegistry' },
        title: 'The ingest service adopts the latest agency registry',
        summary:
          'Each ingest process reads the whole topic from its beginning (a consumer group of its own, committing nothing), adopts the last valid version before its first batch, then follows the topic: a version read while it runs applies from the next batch.',
        bindings: { kafka: { clientId: { type: 'string', const: CLIENT_IDS.ingest }, bindingVersion: KAFKA_BINDING_VERSION } },
        messages: [messageRef('agencyRegistry', AGENCY_REGISTRY_EVENT_TYPE)],
      },
    },
    components: {
      messages: {
        ...Object.fromEntries(
          ACCEPTED_TYPES.flatMap((type) => [
            [type, structuredMessage(type)],
            [`${type}.binary`, binaryMessage(type)],
          ]),
        ),
        'dead-letter': deadLetterMessage,
        'dvcqg-sync-record': syncRecordMessage,
        [AGENCY_REGISTRY_EVENT_TYPE]: registryMessage,
      },
    },
  };
}
