import type { PoolClient } from 'pg';

/**
 * The store's roles, each allowed what its process does and nothing else. `owner` owns the tables
 * and alone runs migrations; `ingest` appends to the log and keeps its own tables; `projector`
 * reads the log and writes the views; `reader` (report, status, serve) reads the views, and of the
 * log only where it ends (positions and times, not events). `operator` is ingest and projector
 * together, for `tthc serve` with operator actions (redrive, replay).
 */
export const STORE_ROLES = ['owner', 'ingest', 'projector', 'reader', 'operator'] as const;
export type StoreRole = (typeof STORE_ROLES)[number];

interface TableGrant {
  readonly table: string;
  readonly privileges: string;
}

const ALL = 'SELECT, INSERT, UPDATE, DELETE';
const VIEWS = ['view_dossiers', 'view_daily_counts', 'view_monthly_counts'] as const;
const INGEST_TABLES = ['ingest_counts', 'ingest_offsets', 'ingest_record_counts', 'purged_letters'] as const;

/** What each role may do, table by table: the one place these rules live. */
export const STORE_GRANTS: Readonly<Record<'ingest' | 'projector' | 'reader', readonly TableGrant[]>> = {
  ingest: [
    // Appends only: the log is never updated or deleted from.
    { table: 'events', privileges: 'SELECT, INSERT' },
    { table: 'agency_registries', privileges: 'SELECT, INSERT' },
    // Letters are resolved by redrive and removed by `tthc dlq purge`.
    { table: 'dead_letters', privileges: ALL },
    ...INGEST_TABLES.map((table) => ({ table, privileges: 'SELECT, INSERT, UPDATE' })),
    { table: 'projection_versions', privileges: 'SELECT' },
    { table: 'schema_migrations', privileges: 'SELECT' },
  ],
  projector: [
    { table: 'events', privileges: 'SELECT' },
    { table: 'agency_registries', privileges: 'SELECT' },
    { table: 'projection_versions', privileges: ALL },
    ...VIEWS.map((table) => ({ table, privileges: ALL })),
    { table: 'schema_migrations', privileges: 'SELECT' },
  ],
  reader: [
    // How far the log goes and since when, to say how much of it a report counts: no event's content.
    { table: 'events', privileges: 'SELECT (transaction_id, position, recorded_at)' },
    { table: 'agency_registries', privileges: 'SELECT' },
    { table: 'projection_versions', privileges: 'SELECT' },
    ...VIEWS.map((table) => ({ table, privileges: 'SELECT' })),
    // Status and the dead-letter list (whose personal data is never kept: docs/data-protection.md).
    { table: 'dead_letters', privileges: 'SELECT' },
    ...INGEST_TABLES.map((table) => ({ table, privileges: 'SELECT' })),
    { table: 'schema_migrations', privileges: 'SELECT' },
  ],
};

/** The tables the store's migrations create, which the owner role owns. */
const STORE_TABLES = [...new Set(Object.values(STORE_GRANTS).flatMap((grants) => grants.map((g) => g.table)))];

/** A role's name: `<prefix>_<role>`. A prefix lets several stores share a server, each with its own roles. */
export const storeRoleName = (prefix: string, role: StoreRole): string => `${prefix}_${role}`;

export const ROLE_PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,40}$/;

export const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;

/** Which of the store's tables exist now (a new database has none until the owner migrates it). */
export async function existingTables(client: PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_class c WHERE c.relkind = $1 AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($2)',
    ['r', STORE_TABLES],
  );
  return rows.map((r) => r.name);
}

/**
 * Grants each role its tables' privileges (and revokes what a role had beyond them), and the
 * identity sequences its inserts draw on. Run by the owner: after `tthc db roles`, and by each
 * migration run once roles exist, so that a new table is granted in the same run that makes it.
 */
export async function grantStoreRoles(client: PoolClient, prefix: string): Promise<void> {
  const tables = new Set(await existingTables(client));
  for (const role of ['ingest', 'projector', 'reader'] as const) {
    const name = quote(storeRoleName(prefix, role));
    for (const table of tables) await client.query(`REVOKE ALL ON ${quote(table)} FROM ${name}`);
    for (const grant of STORE_GRANTS[role]) {
      if (!tables.has(grant.table)) continue;
      await client.query(`GRANT ${grant.privileges} ON ${quote(grant.table)} TO ${name}`);
      if (!grant.privileges.includes('INSERT')) continue;
      const { rows } = await client.query<{ seq: string | null }>(
        `SELECT pg_get_serial_sequence($1, a.attname) AS seq FROM pg_attribute a
          WHERE a.attrelid = $1::regclass AND a.attidentity <> '' AND NOT a.attisdropped`,
        [grant.table],
      );
      for (const { seq } of rows) if (seq !== null) await client.query(`GRANT USAGE ON SEQUENCE ${seq} TO ${name}`);
    }
  }
}

/** The roles' prefix a store was set up with, if `tthc db roles` has run on it. */
export async function storeRolePrefix(client: PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ prefix: string }>('SELECT prefix FROM store_roles LIMIT 1').catch((error: unknown) => {
    // 42P01: no store_roles table, so no roles were set up.
    if ((error as { code?: unknown }).code === '42P01') return { rows: [] };
    throw error;
  });
  return rows[0]?.prefix;
}
