export * from './random';
export * from './profile';
export * from './profile-simulation';
export * from './reorganisation';
export * from './dvcqg-feed';
