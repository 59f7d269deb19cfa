export * from './ingest-metrics';
export * from './health';
export * from './ops-server';
