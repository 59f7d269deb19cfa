import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** A fresh SQLite file path in the run's temp dir. */
export const freshSqlitePath = (tempDir: string, label: string): string => join(tempDir, `${label}-${randomBytes(4).toString('hex')}.sqlite`);

/** Moves the WAL into the main file, so that a reader starts from the same state whoever wrote the file. */
export function checkpoint(path: string): void {
  const db = new BetterSqlite3(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

export function sqliteVersion(): string {
  const db = new BetterSqlite3(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}
