export * from './project-batch';
export * from './run-projection';
