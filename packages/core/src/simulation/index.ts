export * from './random';
export * from './demo-dataset';
export * from './demo-registry';
export * from './profile';
export * from './profile-simulation';
