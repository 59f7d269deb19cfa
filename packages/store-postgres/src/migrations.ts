import type { Pool, PoolClient } from 'pg';
import { StorePermissionDeniedError, type SchemaStatus } from '@tthc/core';
import { grantStoreRoles, storeRolePrefix } from './store-roles';

/** Versioned schema steps, applied in order under an advisory lock. Append only. */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'event log, streams, daily-counts view',
    sql: `
      CREATE TABLE events (
        -- Sequence order is not commit order; readers order by (transaction_id, position) and stay below the
        -- oldest running transaction, so no event that is still being written can be skipped.
        transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
        position       bigint      GENERATED ALWAYS AS IDENTITY,
        stream_id      text        NOT NULL,
        revision       bigint      NOT NULL,
        event_id       text        NOT NULL,
        type           text        NOT NULL,
        data           jsonb       NOT NULL,
        metadata       jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (transaction_id, position),
        UNIQUE (stream_id, revision),
        UNIQUE (event_id)
      );
      CREATE TABLE streams (stream_id text PRIMARY KEY, revision bigint NOT NULL);
      CREATE TABLE projection_checkpoints (
        projection  text PRIMARY KEY,
        commit_pos  xid8   NOT NULL,
        prepare_pos bigint NOT NULL,
        events      bigint NOT NULL,
        updated_at  timestamptz NOT NULL
      );
      CREATE TABLE view_dossiers (
        dossier_code  text PRIMARY KEY,
        agency_code   text NOT NULL,
        channel       text NOT NULL,
        service_level text NOT NULL,
        due_date      date NOT NULL,
        resolved      boolean NOT NULL
      );
      CREATE TABLE view_daily_counts (
        agency_code text   NOT NULL,
        day         date   NOT NULL,
        metric      text   NOT NULL,
        value       bigint NOT NULL,
        PRIMARY KEY (day, agency_code, metric)
      );`,
  },
  {
    version: 2,
    name: 'dossier lifecycle state in the daily-counts view; the view rebuilds from the log',
    sql: `
      DROP TABLE view_dossiers;
      CREATE TABLE view_dossiers (dossier_code text PRIMARY KEY, state jsonb NOT NULL);
      TRUNCATE view_daily_counts;
      TRUNCATE projection_checkpoints;`,
  },
  {
    version: 3,
    name: 'ingest: agency registries, dead and parked letters, counts',
    sql: `
      CREATE TABLE agency_registries (
        version     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        imported_at timestamptz NOT NULL DEFAULT now(),
        document    jsonb NOT NULL
      );
      CREATE TABLE dead_letters (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin        text NOT NULL UNIQUE,
        key           text,
        value         bytea NOT NULL,
        reason        text NOT NULL,
        message       text NOT NULL,
        dossier_code  text,
        status        text NOT NULL,
        attempts      integer NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX dead_letters_parked ON dead_letters (dossier_code) WHERE status = 'parked';
      CREATE TABLE ingest_counts (
        source        text PRIMARY KEY,
        consumed      bigint NOT NULL,
        appended      bigint NOT NULL,
        duplicates    bigint NOT NULL,
        dead_lettered bigint NOT NULL,
        parked        bigint NOT NULL
      );`,
  },
  {
    version: 4,
    name: 'versioned views: view rows by projection version; version status, checkpoint, rate and runner lease',
    sql: `
      CREATE TABLE projection_versions (
        version          integer PRIMARY KEY,
        projection       text NOT NULL,
        status           text NOT NULL CHECK (status IN ('live', 'building', 'retired')),
        commit_pos       xid8,
        prepare_pos      bigint,
        events           bigint NOT NULL DEFAULT 0,
        rate             double precision,
        started_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        lease_owner      text,
        lease_expires_at timestamptz
      );
      CREATE UNIQUE INDEX projection_versions_live ON projection_versions (projection) WHERE status = 'live';
      CREATE UNIQUE INDEX projection_versions_building ON projection_versions (projection) WHERE status = 'building';
      -- What was projected becomes version 1 of daily-counts, live.
      INSERT INTO projection_versions (version, projection, status, commit_pos, prepare_pos, events, started_at, updated_at)
        SELECT 1, projection, 'live', commit_pos, prepare_pos, events, updated_at, updated_at
          FROM projection_checkpoints WHERE projection = 'daily-counts';
      DELETE FROM view_dossiers WHERE NOT EXISTS (SELECT 1 FROM projection_versions WHERE version = 1);
      DELETE FROM view_daily_counts WHERE NOT EXISTS (SELECT 1 FROM projection_versions WHERE version = 1);
      ALTER TABLE view_dossiers ADD COLUMN version integer NOT NULL DEFAULT 1;
      ALTER TABLE view_dossiers ALTER COLUMN version DROP DEFAULT;
      ALTER TABLE view_dossiers DROP CONSTRAINT view_dossiers_pkey, ADD PRIMARY KEY (version, dossier_code);
      ALTER TABLE view_daily_counts ADD COLUMN version integer NOT NULL DEFAULT 1;
      ALTER TABLE view_daily_counts ALTER COLUMN version DROP DEFAULT;
      ALTER TABLE view_daily_counts DROP CONSTRAINT view_daily_counts_pkey, ADD PRIMARY KEY (version, day, agency_code, metric);
      DROP TABLE projection_checkpoints;`,
  },
  {
    version: 5,
    name: "the streams table goes: a stream's revision comes from the log's own (stream_id, revision) index",
    sql: `DROP TABLE streams;`,
  },
  {
    version: 6,
    name: "open-dossier counters in the daily-counts view, from each version's dossier states (see open-dossier-counts)",
    sql: `
      INSERT INTO view_daily_counts (version, agency_code, day, metric, value)
        SELECT version, agency_code, day, metric, count(*)
          FROM (SELECT d.version, d.state->>'agencyCode' AS agency_code, c.metric, c.day
                  FROM view_dossiers d,
                       LATERAL (SELECT (d.state->>'receivedDay')::date AS r, (d.state->>'closedDay')::date AS closed,
                                       (d.state->>'dueDate')::date + 1 AS overdue_from) s,
                       LATERAL (VALUES ('open.received', s.r),
                                       ('open.closed', CASE WHEN s.closed IS NOT NULL THEN GREATEST(s.r, s.closed) END),
                                       ('open.due', CASE WHEN s.overdue_from IS NOT NULL THEN GREATEST(s.r, s.overdue_from) END),
                                       ('open.closed-due', CASE WHEN s.closed IS NOT NULL AND s.overdue_from IS NOT NULL THEN GREATEST(s.r, s.overdue_from, s.closed) END)) c (metric, day)
                 WHERE d.state->>'status' <> 'refused-at-reception' AND c.day IS NOT NULL) counted
         GROUP BY version, agency_code, day, metric;`,
  },
  {
    version: 7,
    name: "natural keys: a fact unique in the whole log (a payment platform's transaction) is stored once",
    // Existing payments get their key from their data (the format of naturalKeyOf); of a key already
    // stored twice, the first keeps it: the unique index could not be built otherwise.
    sql: `
      ALTER TABLE events ADD COLUMN natural_key text;
      UPDATE events e SET natural_key = k.key
        FROM (SELECT DISTINCT ON (key) transaction_id, position, key
                FROM (SELECT transaction_id, position, 'paid-online/' || (data->>'platform') || '/' || (data->>'transactionId') AS key
                        FROM events WHERE type = 'vn.gov.tthc.dossier.paid-online.v1') p
               ORDER BY key, transaction_id, position) k
       WHERE e.transaction_id = k.transaction_id AND e.position = k.position;
      CREATE UNIQUE INDEX events_natural_key ON events (natural_key) WHERE natural_key IS NOT NULL;`,
  },
  {
    version: 8,
    name: 'the span of offsets ingest has accounted for, per source and partition',
    sql: `
      CREATE TABLE ingest_offsets (
        source       text    NOT NULL,
        partition    integer NOT NULL,
        first_offset bigint  NOT NULL,
        next_offset  bigint  NOT NULL,
        PRIMARY KEY (source, partition)
      );`,
  },
  {
    version: 9,
    name: 'the daily counts rolled up per month, so that reports read a row per month',
    // Filled from every version's daily rows; from here on the projection's commits keep it.
    sql: `
      CREATE TABLE view_monthly_counts (
        version     integer NOT NULL,
        month       date    NOT NULL,
        agency_code text    NOT NULL,
        metric      text    NOT NULL,
        value       bigint  NOT NULL,
        PRIMARY KEY (version, month, agency_code, metric)
      );
      INSERT INTO view_monthly_counts (version, month, agency_code, metric, value)
        SELECT version, date_trunc('month', day)::date, agency_code, metric, SUM(value)
          FROM view_daily_counts GROUP BY version, date_trunc('month', day)::date, agency_code, metric;`,
  },
  {
    version: 10,
    name: 'conservation at a door that reads records into events (DVCQG sync records)',
    sql: `
      CREATE TABLE ingest_record_counts (
        source     text   PRIMARY KEY,
        records    bigint NOT NULL,
        translated bigint NOT NULL,
        refused    bigint NOT NULL,
        events     bigint NOT NULL
      );`,
  },
  {
    version: 11,
    name: 'letters removed after their retention (tthc dlq purge), still counted by reason',
    sql: `
      CREATE TABLE purged_letters (reason text PRIMARY KEY, count bigint NOT NULL);
      CREATE INDEX dead_letters_updated ON dead_letters (updated_at) WHERE status <> 'parked';`,
  },
  {
    version: 12,
    name: "a letter keeps its message's Kafka headers: a binary-mode CloudEvent's attributes travel there",
    sql: `ALTER TABLE dead_letters ADD COLUMN headers jsonb;`,
  },
];

const LOCK_KEY = 7_401_155; // any constant shared by every migrating process

/** The latest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = Math.max(0, ...MIGRATIONS.map((m) => m.version));

export async function migrate(pool: Pool): Promise<SchemaStatus> {
  const client = await pool.connect();
  try {
    return await migrateWith(client);
  } finally {
    client.release();
  }
}

/** The versions applied, or none when the store has never been migrated. */
async function appliedVersions(client: PoolClient): Promise<Set<number>> {
  try {
    return new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
  } catch (error) {
    // 42P01 undefined_table: a new database.
    if ((error as { code?: unknown }).code === '42P01') return new Set();
    throw error;
  }
}

/**
 * Applies the migrations not yet applied, each in its own transaction, under an advisory lock. A
 * current schema is only read, so that a role that may not create tables (every role but the owner,
 * see store-roles) starts; one that finds the schema behind says who must migrate it. Once the
 * store has roles, a run that applied anything grants them the new tables.
 */
export async function migrateWith(client: PoolClient): Promise<SchemaStatus> {
  const before = await appliedVersions(client);
  if (MIGRATIONS.every((m) => before.has(m.version))) return { version: LATEST_SCHEMA_VERSION, applied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await appliedVersions(client);
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(m.version);
    }
    const prefix = applied.length > 0 ? await storeRolePrefix(client) : undefined;
    if (prefix !== undefined) await grantStoreRoles(client, prefix);
    return { version: LATEST_SCHEMA_VERSION, applied };
  } catch (error) {
    // 42501 insufficient_privilege: this role may not change the schema.
    if ((error as { code?: unknown }).code !== '42501') throw error;
    const at = Math.max(0, ...before);
    throw new StorePermissionDeniedError(
      `the store's schema is at version ${at} and this tthc needs ${LATEST_SCHEMA_VERSION}, and the role it connects as may not migrate it (${(error as Error).message}): run \`tthc migrate\` as the store's owner role (docs/deploy.md)`,
      { cause: error },
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
  }
}
