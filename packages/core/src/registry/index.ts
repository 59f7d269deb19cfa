export * from './agency-registry-file';
export * from './agency-registry';
