export * from './codes';
export * from './dossier-events';
export * from './dossier-stream';
export * from './upcasters';
export * from './validation';
