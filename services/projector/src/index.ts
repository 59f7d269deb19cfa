export * from './defaults';
export * from './project-batch';
export * from './run-projection';
export * from './lease';
export * from './replay';
export * from './projection-status';
