export * from './store-url';
export * from './open-stores';
