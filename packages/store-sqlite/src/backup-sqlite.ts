import { renameSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from './open-database';

export interface SqliteBackup {
  readonly to: string;
  readonly bytes: number;
  readonly pages: number;
}

/**
 * Copies a store file while ingest and projectors keep writing to it: SQLite's online backup, which
 * starts again whenever another connection writes mid-copy, so the copy is one committed state of
 * the store (events, views and counts together). Written beside `to` and renamed into place once it
 * passed SQLite's integrity check: `to` is never half a store.
 */
export async function backupSqliteStore(path: string, to: string, onProgress?: (done: number, total: number) => void): Promise<SqliteBackup> {
  const { db } = openDatabase(path, { create: false });
  const partial = `${to}.partial`;
  rmSync(partial, { force: true });
  try {
    const { totalPages } = await db.backup(partial, {
      progress: ({ totalPages: total, remainingPages }) => {
        onProgress?.(total - remainingPages, total);
        // Pages per step: large enough to be quick, small enough to let writers in between steps.
        return 2_000;
      },
    });
    const copy = new BetterSqlite3(partial, { readonly: true });
    try {
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the copy of ${path} failed SQLite's integrity check: ${String(check)}`);
    } finally {
      copy.close();
    }
    renameSync(partial, to);
    return { to, bytes: statSync(to).size, pages: totalPages };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
