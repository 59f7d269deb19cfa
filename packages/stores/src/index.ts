export * from './store-url';
export * from './open-stores';
export { ROLE_PREFIX_PATTERN, setUpStoreRolesAt, STORE_ROLES, STORE_GRANTS, type StoreRolesResult } from '@tthc/store-postgres';
export { backupSqliteStore } from '@tthc/store-sqlite';
