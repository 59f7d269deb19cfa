export * from './decide-batch';
export * from './ingest-batch';
export * from './ingest-file';
export * from './consume-kafka';
export * from './retry-while-unavailable';
export * from './observability';
export * from './adopt-registry';
export * from './follow-registry-topic';
