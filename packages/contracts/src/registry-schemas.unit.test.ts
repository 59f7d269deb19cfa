import { loadAgencyRegistry, parseRegistryEvent } from '@tthc/core';
import {
  REGISTRY_EVENT_SCHEMA_ID,
  REGISTRY_EVENT_SCHEMA_PATH,
  REGISTRY_EXAMPLE_V1,
  REGISTRY_FILE_SCHEMA_ID,
  REGISTRY_FILE_SCHEMA_PATH,
  registrySamplePath,
} from './index';
import { readContract, schemaErrors } from './registry-ajv.helper.test';

const read = readContract;
const errorsOf = schemaErrors;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('agency registry JSON Schemas', () => {
  it('publish the registry file and the registry event, draft 2020-12 with stable ids', () => {
    expect(read(REGISTRY_FILE_SCHEMA_PATH)).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:tthc:schema:agency-registry',
      additionalProperties: false,
      required: ['agencies', 'systems'],
    });
    expect(REGISTRY_EVENT_SCHEMA_PATH).toBe('schemas/registry/vn.gov.tthc.agency-registry.published.v1.schema.json');
    expect(read(REGISTRY_EVENT_SCHEMA_PATH)).toMatchObject({
      $id: 'urn:tthc:schema:vn.gov.tthc.agency-registry.published.v1',
      additionalProperties: false,
      properties: { type: { const: 'vn.gov.tthc.agency-registry.published.v1' }, data: { additionalProperties: false } },
    });
  });

  it('keep the rules of each field: code pattern, levels, dates, bounds', () => {
    const schema = read(REGISTRY_FILE_SCHEMA_PATH) as { properties: { agencies: { maxItems: number; items: { properties: Record<string, unknown> } } } };
    expect(schema.properties.agencies.maxItems).toBe(20_000);
    expect(schema.properties.agencies.items.properties).toMatchObject({
      code: { pattern: '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$' },
      level: { enum: ['province', 'district', 'commune'] },
      name: { minLength: 1, maxLength: 200 },
      validFrom: { format: 'date' },
    });
  });

  it('accept the sample registry event and the worked example, as the code does', () => {
    const sample = read(registrySamplePath());
    expect(errorsOf(REGISTRY_EVENT_SCHEMA_ID, sample)).toEqual([]);
    expect(parseRegistryEvent(JSON.stringify(sample))).toMatchObject({ ok: true });
    expect(errorsOf(REGISTRY_FILE_SCHEMA_ID, (sample as { data: unknown }).data)).toEqual([]);
    expect(errorsOf(REGISTRY_FILE_SCHEMA_ID, REGISTRY_EXAMPLE_V1)).toEqual([]);
    expect(loadAgencyRegistry(REGISTRY_EXAMPLE_V1)).toMatchObject({ ok: true });
  });

  it.each([
    ['an unknown field (personal data)', (f: Mutable) => void Object.assign(f.agencies[0]!, { director: 'Nguyễn Văn A' }), '/agencies/0'],
    ['an agency name for a code', (f: Mutable) => void (f.agencies[1]!.code = 'SO-TU-PHAP'), '/agencies/1/code'],
    ['an unknown level', (f: Mutable) => void (f.agencies[2]!.level = 'ward'), '/agencies/2/level'],
    ['a day written D/M/Y', (f: Mutable) => void (f.agencies[3]!.validFrom = '01/01/2020'), '/agencies/3/validFrom'],
    ['a source that is not a URN', (f: Mutable) => void (f.systems[0]!.source = 'lamdong-motcua'), '/systems/0/source'],
  ])('refuse %s, as the code does', (_name, mutate, path) => {
    const file = clone(REGISTRY_EXAMPLE_V1) as unknown as Mutable;
    mutate(file);
    expect(errorsOf(REGISTRY_FILE_SCHEMA_ID, file).some((e) => e.startsWith(`${path} `))).toBe(true);
    expect(loadAgencyRegistry(file).ok).toBe(false);
  });
});

type Mutable = { agencies: Record<string, unknown>[]; systems: Record<string, unknown>[] };
