export { buildProgram } from './main';
export type { Output } from './context';
