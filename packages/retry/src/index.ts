export * from './retry-while-unavailable';
