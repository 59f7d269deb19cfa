import type { Database } from 'better-sqlite3';
import type { SchemaStatus } from '@tthc/core';

/** Versioned schema steps; `PRAGMA user_version` records how many have run. Append only. */
export const MIGRATIONS: readonly string[] = [
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
  // Versioned views: every view row belongs to a version of its projection; the versions table holds
  // each version's status, checkpoint, rate and runner lease. What was projected becomes version 1, live.
  `CREATE TABLE projection_versions (
     version          INTEGER PRIMARY KEY,
     projection       TEXT    NOT NULL,
     status           TEXT    NOT NULL CHECK (status IN ('live', 'building', 'retired')),
     commit_pos       INTEGER,
     prepare_pos      INTEGER,
     events           INTEGER NOT NULL DEFAULT 0,
     rate             REAL,
     started_at       TEXT    NOT NULL,
     updated_at       TEXT    NOT NULL,
     lease_owner      TEXT,
     lease_expires_at TEXT
   );
   CREATE UNIQUE INDEX projection_versions_live ON projection_versions (projection) WHERE status = 'live';
   CREATE UNIQUE INDEX projection_versions_building ON projection_versions (projection) WHERE status = 'building';
   INSERT INTO projection_versions (version, projection, status, commit_pos, prepare_pos, events, started_at, updated_at)
     SELECT 1, projection, 'live', commit_pos, prepare_pos, events, updated_at, updated_at
       FROM projection_checkpoints WHERE projection = 'daily-counts';
   CREATE TABLE view_dossiers_versioned (
     version      INTEGER NOT NULL,
     dossier_code TEXT    NOT NULL,
     state        TEXT    NOT NULL,
     PRIMARY KEY (version, dossier_code)
   ) WITHOUT ROWID;
   INSERT INTO view_dossiers_versioned (version, dossier_code, state)
     SELECT 1, dossier_code, state FROM view_dossiers WHERE EXISTS (SELECT 1 FROM projection_versions WHERE version = 1);
   DROP TABLE view_dossiers;
   ALTER TABLE view_dossiers_versioned RENAME TO view_dossiers;
   CREATE TABLE view_daily_counts_versioned (
     version     INTEGER NOT NULL,
     day         TEXT    NOT NULL,
     agency_code TEXT    NOT NULL,
     metric      TEXT    NOT NULL,
     value       INTEGER NOT NULL,
     PRIMARY KEY (version, day, agency_code, metric)
   ) WITHOUT ROWID;
   INSERT INTO view_daily_counts_versioned (version, day, agency_code, metric, value)
     SELECT 1, day, agency_code, metric, value FROM view_daily_counts WHERE EXISTS (SELECT 1 FROM projection_versions WHERE version = 1);
   DROP TABLE view_daily_counts;
   ALTER TABLE view_daily_counts_versioned RENAME TO view_daily_counts;
   DROP TABLE projection_checkpoints;`,
  // 5: a stream's revision comes from the log's own (stream_id, revision) index; the streams table is no longer kept.
  `DROP TABLE streams;`,
  // 6: open-dossier counters in the daily-counts view, from each version's dossier states (see open-dossier-counts).
  `WITH open_states AS (
     SELECT version, json_extract(state, '$.agencyCode') AS agency_code, json_extract(state, '$.receivedDay') AS r,
            json_extract(state, '$.closedDay') AS closed, date(json_extract(state, '$.dueDate'), '+1 day') AS overdue_from
       FROM view_dossiers WHERE json_extract(state, '$.status') <> 'refused-at-reception')
   INSERT INTO view_daily_counts (version, day, agency_code, metric, value)
     SELECT version, day, agency_code, metric, count(*)
       FROM (SELECT version, agency_code, 'open.received' AS metric, r AS day FROM open_states
             UNION ALL SELECT version, agency_code, 'open.closed', max(r, closed) FROM open_states WHERE closed IS NOT NULL
             UNION ALL SELECT version, agency_code, 'open.due', max(r, overdue_from) FROM open_states WHERE overdue_from IS NOT NULL
             UNION ALL SELECT version, agency_code, 'open.closed-due', max(r, overdue_from, closed) FROM open_states
                        WHERE closed IS NOT NULL AND overdue_from IS NOT NULL)
      WHERE day IS NOT NULL
      GROUP BY version, day, agency_code, metric;`,
  // 7: natural keys (naturalKeyOf): a payment platform's transaction is stored once in the whole log.
  // Existing payments get theirs from their data; of a key stored twice, the first keeps it.
  `ALTER TABLE events ADD COLUMN natural_key TEXT;
   UPDATE events SET natural_key = 'paid-online/' || json_extract(data, '$.platform') || '/' || json_extract(data, '$.transactionId')
    WHERE position IN (SELECT min(position) FROM events WHERE type = 'vn.gov.tthc.dossier.paid-online.v1'
                        GROUP BY json_extract(data, '$.platform'), json_extract(data, '$.transactionId'));
   CREATE UNIQUE INDEX events_natural_key ON events (natural_key) WHERE natural_key IS NOT NULL;`,
  // 8: the span of offsets ingest has accounted for, per source and partition.
  `CREATE TABLE ingest_offsets (
     source       TEXT    NOT NULL,
     partition    INTEGER NOT NULL,
     first_offset INTEGER NOT NULL,
     next_offset  INTEGER NOT NULL,
     PRIMARY KEY (source, partition)
   ) WITHOUT ROWID;`,
  // 9: the daily counts rolled up per month (month = its first day), so that reports read a row per
  // month; filled from every version's daily rows, then kept by the projection's commits.
  `CREATE TABLE view_monthly_counts (
     version     INTEGER NOT NULL,
     month       TEXT    NOT NULL,
     agency_code TEXT    NOT NULL,
     metric      TEXT    NOT NULL,
     value       INTEGER NOT NULL,
     PRIMARY KEY (version, month, agency_code, metric)
   ) WITHOUT ROWID;
   INSERT INTO view_monthly_counts (version, month, agency_code, metric, value)
     SELECT version, substr(day, 1, 7) || '-01', agency_code, metric, SUM(value)
       FROM view_daily_counts GROUP BY version, substr(day, 1, 7) || '-01', agency_code, metric;`,
  // 10: conservation at a door that reads records into events (DVCQG sync records).
  `CREATE TABLE ingest_record_counts (
     source     TEXT PRIMARY KEY,
     records    INTEGER NOT NULL,
     translated INTEGER NOT NULL,
     refused    INTEGER NOT NULL,
     events     INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // 11: letters removed after their retention (tthc dlq purge), still counted by reason.
  `CREATE TABLE purged_letters (
     reason TEXT PRIMARY KEY,
     count  INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX dead_letters_updated ON dead_letters (updated_at) WHERE status <> 'parked';`,
  // 12: a letter keeps its message's Kafka headers (JSON): a binary-mode CloudEvent's attributes travel there.
  `ALTER TABLE dead_letters ADD COLUMN headers TEXT;`,
];

export function migrate(db: Database): SchemaStatus {
  // The version is read inside the write transaction: two processes opening a new store at once
  // (ingest and a projector beside it) would otherwise both see version 0 and both create the tables.
  const run = db.transaction((): number => {
    const from = db.pragma('user_version', { simple: true }) as number;
    for (let v = from; v < MIGRATIONS.length; v += 1) {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }
    return from;
  });
  const from = run.immediate();
  return { version: MIGRATIONS.length, applied: Array.from({ length: MIGRATIONS.length - from }, (_, i) => from + i + 1) };
}
