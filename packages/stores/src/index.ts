export * from './store-url';
export * from './open-stores';
export { setUpStoreRolesAt, STORE_ROLES, STORE_GRANTS, type StoreRolesResult } from '@tthc/store-postgres';
export { backupSqliteStore } from '@tthc/store-sqlite';
