export * from './retry-while-unavailable';
// The tree's one sleep lives in the core; it is offered here too, beside the retry loop that uses it.
export { sleep } from '@tthc/core';
