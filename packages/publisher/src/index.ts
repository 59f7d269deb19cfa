export * from './config';
export * from './envelope';
export * from './publisher';
