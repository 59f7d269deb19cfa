export * from './sync-time';
export * from './sync-record';
export * from './sync-event-id';
export * from './sync-record-events';
