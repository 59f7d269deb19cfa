export * from './profile';
export * from './scale-profile';
