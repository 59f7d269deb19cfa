export * from './postgres-event-store';
export * from './postgres-projection-store';
export * from './postgres-daily-counts-store';
export * from './migrations';
export * from './open-postgres-stores';
export * from './transaction';
export * from './postgres-ingest-store';
