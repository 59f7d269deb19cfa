export * from './sync-records';
