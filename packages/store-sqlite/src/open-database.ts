import BetterSqlite3, { type Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SchemaStatus } from '@tthc/core';
import { migrate } from './migrations';

/** Opens (creating if needed) and migrates a store file. WAL + synchronous=NORMAL: durable on commit, fast. */
export function openDatabase(path: string): { db: Database; schema: SchemaStatus } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return { db, schema: migrate(db) };
}
