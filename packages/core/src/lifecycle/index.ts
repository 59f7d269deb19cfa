export * from './dossier-state';
export * from './lifecycle';
