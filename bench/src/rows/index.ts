import type { Suite } from '../context';
import { postgresLimits } from './postgres-limits';
import { sqliteLimits } from './sqlite-limits';
import { postgresStore, sqliteStore } from './stores';

/**
 * Every suite, in run order. Each store's limit runs just before ours, so that each ratio compares
 * rows measured close together. New rows (peer, end to end, replay, report) are new suites here,
 * and their ratios new pairs in `RATIO_PAIRS`.
 */
export const SUITES: readonly Suite[] = [postgresLimits, postgresStore, sqliteLimits, sqliteStore];
