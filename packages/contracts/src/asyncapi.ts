import { z } from 'zod';
import { AGENCY_REGISTRY_EVENT_TYPE, agencyRegistryEvent, dossierCode, type AnyDossierEventType } from '@tthc/core';
import {
  CLIENT_IDS,
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_DEAD_LETTER_TOPIC,
  DEFAULT_EVENTS_TOPIC,
  DEFAULT_REGISTRY_TOPIC,
  DEFAULT_SYNC_CONSUMER_GROUP,
  DEFAULT_SYNC_TOPIC,
} from '@tthc/kafka';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS, EVENT_HEADERS } from './dead-letters';
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

function eventMessage(type: AnyDossierEventType): JsonObject {
  const sample = SAMPLES[type];
  const current = isCurrentType(type);
  return {
    name: type,
    title: type,
    summary: current ? `A ${type} event.` : `A ${type} event: an older version, still accepted; an upcaster lifts it to the current one.`,
    contentType: 'application/json',
    headers: {
      type: 'object',
      properties: {
        [EVENT_HEADERS.type]: { type: 'string', const: type, description: 'The event type, the same as `type` in the value' },
        [EVENT_HEADERS.id]: { type: 'string', minLength: 1, maxLength: 128, description: 'The event id, the same as `id` in the value' },
      },
      required: [EVENT_HEADERS.type, EVENT_HEADERS.id],
    },
    payload: { $ref: relative(schemaPath(type)) },
    bindings: {
      kafka: {
        key: { ...fragment(dossierCode), description: 'The dossier code, the same as `subject` in the value: one dossier, one partition, its events in order' },
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
    ...(current ? {} : { deprecated: true }),
    examples: [
      {
        name: 'sample',
        summary: `schemas/samples/${type}.json`,
        headers: { [EVENT_HEADERS.type]: type, [EVENT_HEADERS.id]: sample.id },
        payload: sample as unknown as JsonObject,
      },
    ],
  };
}

const deadLetterMessage: JsonObject = {
  name: 'dead-letter',
  title: 'Dead letter',
  summary: 'A message from the events topic that was not stored, with its original key, what its letter keeps of the value, and the reason.',
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
  const eventMessages = Object.fromEntries(ACCEPTED_TYPES.map((type) => [type, { $ref: `#/components/messages/${type}` }]));
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
          "One CloudEvents 1.0 JSON object (structured mode) per message; the key is the dossier code, so each dossier's events keep their order. Each message is one of the accepted event types.",
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
        messages: ACCEPTED_TYPES.map((type) => messageRef('dossierEvents', type)),
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
        messages: ACCEPTED_TYPES.map((type) => messageRef('dossierEvents', type)),
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
        ...Object.fromEntries(ACCEPTED_TYPES.map((type) => [type, eventMessage(type)])),
        'dead-letter': deadLetterMessage,
        'dvcqg-sync-record': syncRecordMessage,
        [AGENCY_REGISTRY_EVENT_TYPE]: registryMessage,
      },
    },
  };
}
