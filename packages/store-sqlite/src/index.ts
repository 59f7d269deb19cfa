export * from './sqlite-event-store';
export * from './sqlite-projection-store';
export * from './sqlite-daily-counts-store';
export * from './open-database';
export * from './open-sqlite-stores';
export * from './sqlite-ingest-store';
export * from './backup-sqlite';
