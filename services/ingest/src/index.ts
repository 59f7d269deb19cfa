export * from './decide-batch';
export * from './dossier-cache';
export * from './ingest-batch';
export * from './ingest-file';
export * from './consume-kafka';
export * from './observability';
export * from './adopt-registry';
export * from './follow-registry-topic';
