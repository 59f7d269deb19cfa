import BetterSqlite3, { type Database } from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreNotFoundError, type SchemaStatus } from '@tthc/core';
import { migrate } from './migrations';

/**
 * Opens and migrates a store file, creating it (and its directories) unless `create` is false: a
 * command that only reads refuses a missing file, which is most often a typo in the path. WAL + synchronous=NORMAL: a commit survives a
 * crash of the process; a power loss may take back the commits since the last checkpoint (the WAL is
 * fsynced at checkpoints only), never part of one.
 */
export function openDatabase(path: string, { create = true }: { create?: boolean } = {}): { db: Database; schema: SchemaStatus } {
  if (path !== ':memory:' && !create && !existsSync(path)) {
    throw new StoreNotFoundError(
      `no store at sqlite:${path} (${resolve(path)}): this command only reads and does not create one; check --store, or create the store with a command that writes (tthc ingest, tthc migrate)`,
    );
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  db.pragma('busy_timeout = 5000');
  // A new file opened by two processes at once (ingest and a projector started together): SQLite
  // does not always wait on its busy handler while one switches it to WAL or migrates it.
  whileBusy(() => db.pragma('journal_mode = WAL'));
  db.pragma('synchronous = NORMAL');
  // An append of 1,000 events rewrites some 2,000 index pages: with the default checkpoint at 1,000
  // WAL pages, every append was followed by a checkpoint that copied them all back (and fsynced).
  // At 10,000 pages (40 MB) a checkpoint comes every few appends and copies each page once.
  db.pragma('wal_autocheckpoint = 10000');
  return { db, schema: whileBusy(() => migrate(db)) };
}

/** How long opening waits for another process opening the same file. */
const OPEN_BUSY_MS = 10_000;

/** Runs `work` again every 25 ms while SQLite says the file is busy, for OPEN_BUSY_MS at most (opening is synchronous). */
function whileBusy<T>(work: () => T): T {
  const until = Date.now() + OPEN_BUSY_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() > until) throw error;
      Atomics.wait(pause, 0, 0, 25);
    }
  }
}
