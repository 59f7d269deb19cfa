export * from './metrics';
export * from './dossier-counts';
export * from './projection-store';
export * from './daily-counts-store';
export * from './in-memory-projection-store';
export * from './in-memory-daily-counts-store';
export * from './open-dossier-counts';
export * from './month-rollup';
