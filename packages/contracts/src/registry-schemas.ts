import { z } from 'zod';
import { AGENCY_REGISTRY_EVENT_TYPE, agencyRegistryEvent, agencyRegistryFile } from '@tthc/core';
import { isJsonObject, type JsonObject } from './json';

/** Repo-relative path of the registry file's JSON Schema: what `tthc registry import` and `tthc registry check` read. */
export const REGISTRY_FILE_SCHEMA_PATH = 'schemas/registry/agency-registry.schema.json';
/** Repo-relative path of the JSON Schema of the CloudEvent that carries a registry version (feed line, registry topic). */
export const REGISTRY_EVENT_SCHEMA_PATH = `schemas/registry/${AGENCY_REGISTRY_EVENT_TYPE}.schema.json`;
export const REGISTRY_FILE_SCHEMA_ID = 'urn:tthc:schema:agency-registry';
export const REGISTRY_EVENT_SCHEMA_ID = `urn:tthc:schema:${AGENCY_REGISTRY_EVENT_TYPE}`;

/** What a JSON Schema cannot say: the rules `loadAgencyRegistry` checks after the shape. */
const CROSS_REFERENCE_RULES =
  'Beyond this schema, ingest and tthc registry refuse a registry whose records of one code overlap in time, whose parent or successor is missing, of the wrong level or not valid when needed, or whose systems name unknown or repeated agencies: docs/registry.md lists every rule.';

function generated(schema: z.ZodType, name: string): JsonObject {
  const value: unknown = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  if (!isJsonObject(value)) throw new Error(`zod gave no object schema for ${name}`);
  return value;
}

/** The JSON Schema (draft 2020-12) of the agency registry file, generated from the zod schema that validates it. */
export function registryFileJsonSchema(): JsonObject {
  const { $schema, ...rest } = generated(agencyRegistryFile, 'the agency registry');
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: REGISTRY_FILE_SCHEMA_ID,
    title: 'Agency registry',
    description: `The agency registry file: effective-dated agencies and the systems that may publish for them. ${CROSS_REFERENCE_RULES} Generated from the zod schema in packages/core/src/registry; do not edit.`,
    ...rest,
  };
}

/** The JSON Schema (draft 2020-12) of a registry version as a CloudEvent: its `data` is the registry file. */
export function registryEventJsonSchema(): JsonObject {
  const { $schema, ...rest } = generated(agencyRegistryEvent, AGENCY_REGISTRY_EVENT_TYPE);
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: REGISTRY_EVENT_SCHEMA_ID,
    title: AGENCY_REGISTRY_EVENT_TYPE,
    description: `An agency registry version as a CloudEvents 1.0 envelope, a line of an NDJSON feed or a message of the registry topic; its data is the registry file (${REGISTRY_FILE_SCHEMA_ID}). ${CROSS_REFERENCE_RULES} Generated from the zod schema in packages/core/src/registry; do not edit.`,
    ...rest,
  };
}
