import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { validateDossierEvent } from '@tthc/core';
import { generateDemoDataset } from '@tthc/test-support';
import { ACCEPTED_TYPES, INVALID_SAMPLES, invalidSamplePath, renderContracts, samplePath, schemaId, schemaPath } from './index';

const files = renderContracts();
const read = (path: string): unknown => {
  const content = files.get(path);
  if (content === undefined) throw new Error(`${path} is not generated`);
  return JSON.parse(content);
};
type Schema = { $id: string; title: string; properties: Record<string, Record<string, unknown>>; additionalProperties: unknown };
const schemas = ACCEPTED_TYPES.map((type) => ({ type, schema: read(schemaPath(type)) as Schema }));

/** ajv, a validator that is not zod, in strict mode with the draft 2020-12 vocabulary and formats. */
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
for (const { schema } of schemas) ajv.addSchema(schema);
const validatorOf = (type: string) => {
  const validate = ajv.getSchema(schemaId(type));
  if (!validate) throw new Error(`no schema ${schemaId(type)}`);
  return validate;
};
const ajvErrors = (type: string, event: unknown) => {
  const validate = validatorOf(type);
  return validate(event) ? [] : (validate.errors ?? []);
};
const typeOf = (event: unknown): string => (event as { type: string }).type;

describe('event JSON Schemas', () => {
  it.each(schemas)('$type: draft 2020-12, stable $id, title, strict envelope and data, patterns kept', ({ type, schema }) => {
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:tthc:schema:${type}`, title: type });
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.data).toMatchObject({ type: 'object', additionalProperties: false });
    expect(schema.properties.type).toMatchObject({ const: type });
    expect(schema.properties.subject).toMatchObject({ pattern: '^[A-Z0-9][A-Z0-9.\\-_]{5,63}$' });
    expect(schema.properties.time).toMatchObject({ format: 'date-time', pattern: expect.any(String) as string });
  });

  it('keep the code patterns of the data fields', () => {
    const received = schemas.find((s) => s.type === 'vn.gov.tthc.dossier.received.v2')?.schema;
    expect(received?.properties.data).toMatchObject({
      properties: { processingAgencyCode: { pattern: '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$' }, procedureCode: { pattern: '^\\d\\.\\d{6}$' } },
    });
  });
});

describe('samples', () => {
  it.each(ACCEPTED_TYPES)('%s: the sample is valid for ajv and for zod', (type) => {
    const sample = read(samplePath(type));
    expect(typeOf(sample)).toBe(type);
    expect(ajvErrors(type, sample)).toEqual([]);
    expect(validateDossierEvent(sample)).toMatchObject({ ok: true });
  });

  it.each(ACCEPTED_TYPES)("%s: the sample is refused by every other type's schema", (type) => {
    const sample = read(samplePath(type));
    for (const other of ACCEPTED_TYPES.filter((t) => t !== type)) expect([other, ajvErrors(other, sample).length > 0]).toEqual([other, true]);
  });

  it.each(INVALID_SAMPLES)('invalid sample $name is refused by ajv and by zod, both naming $field', ({ name, field }) => {
    const event = read(invalidSamplePath(name));
    const errors = ajvErrors(typeOf(event), event);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => e.instancePath)).toContain(`/${field.replaceAll('.', '/')}`);
    const zod = validateDossierEvent(event);
    expect(zod.ok).toBe(false);
    if (!zod.ok) expect(zod.problems.map((p) => p.field)).toContain(field);
  });

  it.each(ACCEPTED_TYPES)('%s: an unknown field in the envelope or in data is refused by both', (type) => {
    const sample = read(samplePath(type)) as { data: object };
    for (const event of [
      { ...sample, citizenId: '079123456789' },
      { ...sample, data: { ...sample.data, citizenId: '079123456789' } },
    ]) {
      expect(ajvErrors(type, event).length).toBeGreaterThan(0);
      expect(validateDossierEvent(event).ok).toBe(false);
    }
  });
});

describe('ajv and zod agree', () => {
  it('on every event of a generated demo feed', () => {
    const { events } = generateDemoDataset({ seed: 11, dossiers: 150, period: { from: '2024-01-01', to: '2024-06-30' } });
    expect(events.length).toBeGreaterThan(150);
    for (const original of events) {
      const event = JSON.parse(JSON.stringify(original)) as unknown;
      expect([typeOf(event), ajvErrors(typeOf(event), event)]).toEqual([typeOf(event), []]);
      expect(validateDossierEvent(event).ok).toBe(true);
    }
  });

  it.each([
    ['time', '2024-03-15 08:30:00+07:00'],
    ['time', '2024-02-30T08:30:00+07:00'],
    ['time', '2024-03-15T08:30+07:00'],
    ['subject', 'h36-lowercase'],
    ['subject', 'H36'],
    ['source', 'lamdong-motcua'],
    ['id', ''],
    ['specversion', '1.1'],
    ['datacontenttype', 'text/plain'],
  ])('on a received.v2 whose %s is %j (both refuse)', (field, value) => {
    const event = { ...(read(samplePath('vn.gov.tthc.dossier.received.v2')) as object), [field]: value };
    expect(ajvErrors('vn.gov.tthc.dossier.received.v2', event).length).toBeGreaterThan(0);
    expect(validateDossierEvent(event).ok).toBe(false);
  });

  it.each([
    ['dueDate', '2024-3-22'],
    ['dueDate', '2024-02-30'],
    ['receivedAt', '2024-03-15T08:30:00'],
    ['processingAgencyCode', '000.00.01.h36'],
    ['procedureCode', '1.00283'],
    ['channel', 'fax'],
  ])('on received.v2 data whose %s is %j (both refuse)', (field, value) => {
    const sample = read(samplePath('vn.gov.tthc.dossier.received.v2')) as { data: object };
    const event = { ...sample, data: { ...sample.data, [field]: value } };
    expect(ajvErrors('vn.gov.tthc.dossier.received.v2', event).length).toBeGreaterThan(0);
    expect(validateDossierEvent(event).ok).toBe(false);
  });

  it.each([0, -1, 1.5, 1_000_000_000_001])('on an amount of %p đồng (both refuse)', (amountVnd) => {
    const sample = read(samplePath('vn.gov.tthc.dossier.paid-online.v1')) as { data: object };
    const event = { ...sample, data: { ...sample.data, amountVnd } };
    expect(ajvErrors('vn.gov.tthc.dossier.paid-online.v1', event).length).toBeGreaterThan(0);
    expect(validateDossierEvent(event).ok).toBe(false);
  });
});
