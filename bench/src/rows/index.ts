import type { Suite } from '../context';
import { fileSqlite, kafkaPostgres } from './end-to-end';
import { emmettPeer } from './peer-emmett';
import { postgresLimits } from './postgres-limits';
import { sqliteLimits } from './sqlite-limits';
import { postgresStore, sqliteStore } from './stores';

/**
 * Every suite, in run order for each size. Each store's limits run just before ours on the same store
 * (and the peer between them), so that each ratio compares rows measured close together; then our
 * processes end to end on that store, its replay and (PostgreSQL) the report.
 */
export const SUITES: readonly Suite[] = [postgresLimits, emmettPeer, postgresStore, kafkaPostgres, sqliteLimits, sqliteStore, fileSqlite];
