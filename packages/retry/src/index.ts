export * from './retry-while-unavailable';
export * from './sleep';
