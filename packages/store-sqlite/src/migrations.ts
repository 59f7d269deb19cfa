import type { Database } from 'better-sqlite3';
import type { SchemaStatus } from '@tthc/core';

/** Versioned schema steps; `PRAGMA user_version` records how many have run. Append only. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     position    INTEGER PRIMARY KEY AUTOINCREMENT,
     stream_id   TEXT    NOT NULL,
     revision    INTEGER NOT NULL,
     event_id    TEXT    NOT NULL UNIQUE,
     type        TEXT    NOT NULL,
     data        TEXT    NOT NULL,
     metadata    TEXT    NOT NULL,
     recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
     UNIQUE (stream_id, revision)
   );
   CREATE TABLE streams (stream_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE projection_checkpoints (
     projection  TEXT PRIMARY KEY,
     commit_pos  INTEGER NOT NULL,
     prepare_pos INTEGER NOT NULL,
     events      INTEGER NOT NULL,
     updated_at  TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE view_dossiers (
     dossier_code TEXT PRIMARY KEY,
     agency_code  TEXT NOT NULL,
     channel      TEXT NOT NULL,
     service_level TEXT NOT NULL,
     due_date     TEXT NOT NULL,
     resolved     INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE view_daily_counts (
     agency_code TEXT NOT NULL,
     day         TEXT NOT NULL,
     metric      TEXT NOT NULL,
     value       INTEGER NOT NULL,
     PRIMARY KEY (day, agency_code, metric)
   ) WITHOUT ROWID;`,
  // The projection now keeps each dossier's whole lifecycle state. The view is derived data: it is
  // emptied and its checkpoint dropped, so the next run rebuilds it from the log.
  `DROP TABLE view_dossiers;
   CREATE TABLE view_dossiers (dossier_code TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
   DELETE FROM view_daily_counts;
   DELETE FROM projection_checkpoints;`,
  // What the ingest service keeps beside the log: registries, dead and parked letters, its counts.
  `CREATE TABLE agency_registries (
     version     INTEGER PRIMARY KEY AUTOINCREMENT,
     imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
     document    TEXT NOT NULL
   );
   CREATE TABLE dead_letters (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     origin        TEXT NOT NULL UNIQUE,
     key           TEXT,
     value         BLOB NOT NULL,
     reason        TEXT NOT NULL,
     message       TEXT NOT NULL,
     dossier_code  TEXT,
     status        TEXT NOT NULL,
     attempts      INTEGER NOT NULL DEFAULT 1,
     first_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
     updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
   );
   CREATE INDEX dead_letters_parked ON dead_letters (dossier_code) WHERE status = 'parked';
   CREATE TABLE ingest_counts (
     source        TEXT PRIMARY KEY,
     consumed      INTEGER NOT NULL,
     appended      INTEGER NOT NULL,
     duplicates    INTEGER NOT NULL,
     dead_lettered INTEGER NOT NULL,
     parked        INTEGER NOT NULL
   ) WITHOUT ROWID;`,
];

export function migrate(db: Database): SchemaStatus {
  const from = db.pragma('user_version', { simple: true }) as number;
  const run = db.transaction(() => {
    for (let v = from; v < MIGRATIONS.length; v += 1) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
  });
  run.immediate();
  return { version: MIGRATIONS.length, applied: Array.from({ length: MIGRATIONS.length - from }, (_, i) => from + i + 1) };
}
