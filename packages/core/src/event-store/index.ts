export * from './event-store';
export * from './errors';
export * from './expected-revision';
export * from './in-memory-event-store';
export * from './log-position';
export * from './same-event';
export * from './subscribe-to-all';
export * from './append-plan';
