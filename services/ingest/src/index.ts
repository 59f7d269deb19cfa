export * from './ingest-batch';
export * from './ingest-file';
export * from './ingest-totals';
export * from './consume-kafka';
