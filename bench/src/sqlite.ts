import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** A fresh SQLite file path in the run's temp dir. */
const freshSqlitePath = (tempDir: string, label: string): string => join(tempDir, `${label}-${randomBytes(4).toString('hex')}.sqlite`);

/** Moves the WAL into the main file, so that a reader starts from the same state whoever wrote the file. */
export function checkpoint(path: string): void {
  const db = new BetterSqlite3(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function removeSqliteFile(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Runs `use` on a fresh SQLite file path in the run's temp dir, and removes the file (and its WAL) after, whatever happens. */
export async function withFreshSqliteFile<T>(tempDir: string, label: string, use: (path: string) => Promise<T>): Promise<T> {
  const path = freshSqlitePath(tempDir, label);
  try {
    return await use(path);
  } finally {
    removeSqliteFile(path);
  }
}

export function sqliteVersion(): string {
  const db = new BetterSqlite3(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}
