export * from './agency-registry-file';
export * from './agency-registry';
export * from './registry-event';
