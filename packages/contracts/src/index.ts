export { ASYNCAPI_PATH, asyncApiDocument } from './asyncapi';
export { DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS, EVENT_HEADERS } from './dead-letters';
export { ACCEPTED_TYPES, eventJsonSchema, schemaId, schemaPath } from './event-schemas';
export { EVENTS_DOC_PATH, renderEventsDoc } from './events-doc';
export { lifecycleTable, type LifecycleRow } from './lifecycle-table';
export { GENERATED_DIRS, renderContracts } from './render';
export { INVALID_SAMPLES, invalidSamplePath, samplePath, SAMPLES, type InvalidSample } from './samples';
export { repoRoot, staleFiles, writeContracts } from './contract-files';
