export * from './events';
export * from './time';
export * from './projection';
export * from './event-store';
export * from './report';
export * from './simulation';
export * from './lifecycle';
export * from './registry';
