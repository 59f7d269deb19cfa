export * from './dead-letter';
export * from './ingest-store';
export * from './in-memory-ingest-store';
export * from './letter-value';
