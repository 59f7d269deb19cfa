export * from './events';
export * from './time';
export * from './projection';
export * from './event-store';
export * from './report';
export * from './lifecycle';
export * from './registry';
export * from './ingest';
