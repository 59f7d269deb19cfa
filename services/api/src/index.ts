export * from './access';
export * from './api-config';
export * from './load-api-config';
export * from './pipeline-status';
export * from './problem';
export * from './server';
export * from './openapi';
