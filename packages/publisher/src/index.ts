export * from './config';
export * from './envelope';
export * from './publisher';
export * from './registry-publisher';
