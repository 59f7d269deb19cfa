export * from './kurrentdb-event-store';
export * from './open-kurrentdb-event-store';
export * from './event-id';
export * from './expected-state';
export * from './kurrent-event';
export * from './map-kurrent-error';
