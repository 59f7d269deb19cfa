import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import specs from '@asyncapi/specs';
import { DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_EVENTS_TOPIC, DEFAULT_REGISTRY_TOPIC } from '@tthc/kafka';
import { ACCEPTED_TYPES, ASYNCAPI_PATH, DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS, renderContracts } from './index';

const files = renderContracts();
const parse = (path: string): unknown => JSON.parse(files.get(path) ?? 'null');
const doc = parse(ASYNCAPI_PATH) as Record<string, unknown>;
const REGISTRY_TYPE = 'vn.gov.tthc.agency-registry.published.v1';

/**
 * The official AsyncAPI 3.0.0 JSON Schema (draft-07) from @asyncapi/specs, loaded offline. It carries
 * its own copy of the draft-07 meta-schema, so ajv's is left out.
 */
function asyncApiValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, meta: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(specs.schemas['3.0.0']);
  const document = ajv.getSchema('http://asyncapi.com/definitions/3.0.0/asyncapi.json');
  const schemaObject = ajv.getSchema('http://asyncapi.com/definitions/3.0.0/schema.json');
  if (!document || !schemaObject) throw new Error('@asyncapi/specs has no 3.0.0 schema');
  return { document, schemaObject };
}

/** Follows a JSON pointer (`#/a/b`) in `root`. */
function resolvePointer(root: unknown, pointer: string): unknown {
  return pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

describe('schemas/asyncapi.json', () => {
  const { document, schemaObject } = asyncApiValidator();

  it('is a valid AsyncAPI 3.0.0 document by the official JSON Schema', () => {
    expect(document(doc) ? [] : document.errors).toEqual([]);
  });

  it('is checked for real: a broken document is refused', () => {
    const broken = JSON.parse(JSON.stringify(doc)) as { operations: Record<string, Record<string, unknown>> };
    const op = broken.operations.ingestDossierEvents;
    if (op) op.action = 'consume';
    expect(document(broken)).toBe(false);
  });

  it('resolves every $ref: pointers inside it, files beside it in schemas/', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(ACCEPTED_TYPES.length);
    for (const ref of refs) {
      if (ref.startsWith('#')) expect([ref, resolvePointer(doc, ref) !== undefined]).toEqual([ref, true]);
      else {
        // A file beside it, or a part of one (`./events/x.schema.json#/properties/data`).
        const [file = '', pointer] = ref.split('#');
        const path = `schemas/${file.replace(/^\.\//, '')}`;
        expect([ref, files.has(path)]).toEqual([ref, true]);
        if (pointer !== undefined) expect([ref, resolvePointer(parse(path), `#${pointer}`) !== undefined]).toEqual([ref, true]);
      }
    }
  });

  it('points each event message at its JSON Schema, itself a valid AsyncAPI Schema Object', () => {
    for (const type of ACCEPTED_TYPES) {
      const payload = resolvePointer(doc, `#/components/messages/${type}/payload`) as { $ref: string };
      expect(payload).toEqual({ $ref: `./events/${type}.schema.json` });
      const schema = parse(`schemas/events/${type}.schema.json`);
      expect([type, schemaObject(schema) ? [] : schemaObject.errors]).toEqual([type, []]);
    }
  });

  it("describes the events topic: every accepted type in both of CloudEvents' Kafka content modes, keyed by dossier code", () => {
    expect(resolvePointer(doc, '#/channels/dossierEvents/address')).toBe(DEFAULT_EVENTS_TOPIC);
    expect(Object.keys(resolvePointer(doc, '#/channels/dossierEvents/messages') as object)).toEqual(ACCEPTED_TYPES.flatMap((t) => [t, `${t}.binary`]));
    const key = { type: 'string', pattern: '^[A-Z0-9][A-Z0-9.\\-_]{5,63}$' };
    for (const type of ACCEPTED_TYPES) {
      expect(resolvePointer(doc, `#/components/messages/${type}`)).toMatchObject({
        contentType: 'application/cloudevents+json',
        headers: { properties: { 'content-type': { type: 'string' } } },
        bindings: { kafka: { key } },
        examples: [{ name: 'structured', headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8' }, payload: { type } }],
      });
      const binary = resolvePointer(doc, `#/components/messages/${type}.binary`) as { headers: { required: string[] }; examples: { payload: object }[] };
      expect(binary).toMatchObject({
        contentType: 'application/json',
        headers: { properties: { ce_type: { const: type }, ce_partitionkey: key, ce_traceparent: { type: 'string' } } },
        payload: { $ref: `./events/${type}.schema.json#/properties/data` },
        bindings: { kafka: { key } },
        examples: [{ name: 'binary', headers: { 'content-type': 'application/json', ce_type: type } }],
      });
      expect(binary.headers.required).toEqual(['content-type', 'ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time']);
      expect(binary.examples[0]?.payload).not.toHaveProperty('type');
    }
  });

  it("describes the dead-letter topic: original key, the letter's value, reason headers", () => {
    expect(resolvePointer(doc, '#/channels/deadLetters/address')).toBe(DEFAULT_DEAD_LETTER_TOPIC);
    const headers = resolvePointer(doc, '#/components/messages/dead-letter/headers') as { properties: Record<string, { enum?: string[] }>; required: string[] };
    expect(headers.required).toEqual(Object.values(DEAD_LETTER_HEADERS));
    expect(headers.properties[DEAD_LETTER_HEADERS.reason]?.enum).toEqual([
      'empty-message',
      'invalid-encoding',
      'invalid-json',
      'invalid-event',
      'implausible-time',
      'duplicate-id-conflict',
      'natural-key-conflict',
      'unknown-agency',
      'unauthorised-source',
      'lifecycle-violation',
      'store-rejected',
      'invalid-sync-record',
    ]);
    expect(DEAD_LETTER_REASONS).toHaveLength(12);
  });

  it('describes the DVCQG sync topic: keyed by dossier code, its payload the sync record schema, read by a consumer group of its own', () => {
    expect(resolvePointer(doc, '#/channels/dvcqgSync')).toMatchObject({ address: 'tthc.dvcqg-sync.v1' });
    const message = resolvePointer(doc, '#/components/messages/dvcqg-sync-record') as { payload: { $ref: string } };
    expect(message.payload.$ref).toBe('./dvcqg/dong-bo-ho-so-mc.schema.json');
    expect(resolvePointer(doc, '#/operations/ingestSyncRecords')).toMatchObject({
      action: 'receive',
      bindings: { kafka: { groupId: { const: 'tthc-ingest-dvcqg' } } },
    });
  });

  it('describes the agency registry topic: compacted, one partition, keyed by registry name, its payload the registry event schema', () => {
    expect(resolvePointer(doc, '#/channels/agencyRegistry')).toMatchObject({
      address: DEFAULT_REGISTRY_TOPIC,
      messages: { [REGISTRY_TYPE]: { $ref: `#/components/messages/${REGISTRY_TYPE}` } },
      bindings: { kafka: { partitions: 1, topicConfiguration: { 'cleanup.policy': ['compact'] } } },
    });
    expect(resolvePointer(doc, `#/components/messages/${REGISTRY_TYPE}`)).toMatchObject({
      payload: { $ref: `./registry/${REGISTRY_TYPE}.schema.json` },
      bindings: { kafka: { key: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{0,99}$' } } },
      examples: [{ payload: { type: REGISTRY_TYPE, subject: 'lam-dong' } }],
    });
    expect(schemaObject(parse(`schemas/registry/${REGISTRY_TYPE}.schema.json`)) ? [] : schemaObject.errors).toEqual([]);
  });

  it('has publishers send events and registry versions, and ingest receive them and sync records and send dead letters', () => {
    const ops = Object.values(doc.operations as Record<string, { action: string; channel: { $ref: string } }>).map((o) => [o.action, o.channel.$ref]);
    expect(ops).toEqual([
      ['send', '#/channels/dossierEvents'],
      ['receive', '#/channels/dossierEvents'],
      ['receive', '#/channels/dvcqgSync'],
      ['send', '#/channels/deadLetters'],
      ['send', '#/channels/agencyRegistry'],
      ['receive', '#/channels/agencyRegistry'],
    ]);
  });
});
