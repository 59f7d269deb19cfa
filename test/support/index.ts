export * from './servers';
export * from './postgres';
export * from './event-store-contract';
export * from './projection-store-contract';
export * from './opened';
export * from './run-tthc';
export * from './ingest-store-contract';
export * from './open-per-test';
