export * from './agency-registry-file';
export * from './agency-registry';
export * from './registry-event';
export * from './event-authority';
export * from './two-tier';
