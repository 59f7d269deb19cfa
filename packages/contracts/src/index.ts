export { ASYNCAPI_PATH, asyncApiDocument } from './asyncapi';
export { DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS } from './dead-letters';
export { ACCEPTED_TYPES, eventJsonSchema, schemaId, schemaPath } from './event-schemas';
export { EVENTS_DOC_PATH, renderEventsDoc } from './events-doc';
export { lifecycleTable, type LifecycleRow } from './lifecycle-table';
export { GENERATED_DIRS, renderContracts } from './render';
export { REGISTRY_EXAMPLE_V1, REGISTRY_EXAMPLE_V2, REGISTRY_SAMPLE, registrySamplePath } from './registry-samples';
export {
  REGISTRY_EVENT_SCHEMA_ID,
  REGISTRY_EVENT_SCHEMA_PATH,
  REGISTRY_FILE_SCHEMA_ID,
  REGISTRY_FILE_SCHEMA_PATH,
  registryEventJsonSchema,
  registryFileJsonSchema,
} from './registry-schemas';
export { INVALID_SAMPLES, invalidSamplePath, samplePath, SAMPLES, type InvalidSample } from './samples';
export { repoRoot, staleFiles, writeContracts } from './contract-files';
