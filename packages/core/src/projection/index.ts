export * from './metrics';
export * from './dossier-counts';
export * from './projection-store';
export * from './in-memory-projection-store';
