import { ASYNCAPI_PATH, asyncApiDocument } from './asyncapi';
import { ACCEPTED_TYPES, eventJsonSchema, schemaPath } from './event-schemas';
import { EVENTS_DOC_PATH, renderEventsDoc } from './events-doc';
import { toJsonFile } from './json';
import { REGISTRY_SAMPLE, registrySamplePath } from './registry-samples';
import { REGISTRY_EVENT_SCHEMA_PATH, REGISTRY_FILE_SCHEMA_PATH, registryEventJsonSchema, registryFileJsonSchema } from './registry-schemas';
import { SYNC_RECORD_SAMPLE, SYNC_RECORD_SAMPLE_PATH, SYNC_RECORD_SCHEMA_PATH, syncRecordJsonSchema } from './sync-record-schema';
import { INVALID_SAMPLES, invalidSamplePath, samplePath, SAMPLES } from './samples';

/** Directories that hold nothing but generated files: a file there that the map lacks is stale. */
export const GENERATED_DIRS: readonly string[] = ['schemas/events', 'schemas/registry', 'schemas/samples', 'schemas/dvcqg'];

/**
 * Every published contract, generated from the zod schemas and the lifecycle code: repo-relative
 * path → file content. Pure and deterministic: the same sources give the same bytes.
 */
export function renderContracts(): Map<string, string> {
  const files = new Map<string, string>();
  for (const type of ACCEPTED_TYPES) files.set(schemaPath(type), toJsonFile(eventJsonSchema(type)));
  files.set(REGISTRY_FILE_SCHEMA_PATH, toJsonFile(registryFileJsonSchema()));
  files.set(REGISTRY_EVENT_SCHEMA_PATH, toJsonFile(registryEventJsonSchema()));
  files.set(ASYNCAPI_PATH, toJsonFile(asyncApiDocument()));
  for (const type of ACCEPTED_TYPES) files.set(samplePath(type), toJsonFile(SAMPLES[type]));
  files.set(registrySamplePath(), toJsonFile(REGISTRY_SAMPLE));
  for (const invalid of INVALID_SAMPLES) files.set(invalidSamplePath(invalid.name), toJsonFile(invalid.event));
  files.set(SYNC_RECORD_SCHEMA_PATH, toJsonFile(syncRecordJsonSchema()));
  files.set(SYNC_RECORD_SAMPLE_PATH, toJsonFile(SYNC_RECORD_SAMPLE));
  files.set(EVENTS_DOC_PATH, renderEventsDoc());
  return files;
}
