import { Pool, type PoolClient } from 'pg';
import type { SchemaStatus } from '@tthc/core';
import { migrateWith } from './migrations';
import { mapPgError } from './transaction';
import { existingTables, grantStoreRoles, quote, ROLE_PREFIX_PATTERN, STORE_ROLES, storeRoleName, type StoreRole } from './store-roles';

export interface StoreRolesResult {
  readonly database: string;
  readonly schema: string;
  readonly roles: Readonly<Record<StoreRole, string>>;
  /** Roles this run created; the others existed already. */
  readonly created: readonly string[];
  readonly migrated: SchemaStatus;
}

/**
 * Creates the store's roles (LOGIN, without a password: set one with `ALTER ROLE … PASSWORD`, or
 * authenticate them by certificate), gives the owner the schema and the store's tables, migrates as
 * the owner and grants each role its tables. Run once by an administrator who may create roles; run
 * again, it changes nothing that is already right.
 */
export async function setUpStoreRoles(pool: Pool, prefix: string): Promise<StoreRolesResult> {
  if (!ROLE_PREFIX_PATTERN.test(prefix)) throw new Error(`role prefix must match ${ROLE_PREFIX_PATTERN.source}`);
  const roles = Object.fromEntries(STORE_ROLES.map((role) => [role, storeRoleName(prefix, role)])) as Record<StoreRole, string>;
  const client = await pool.connect();
  let database: string;
  let schema: string;
  const created: string[] = [];
  try {
    const { rows } = await client.query<{ database: string; schema: string }>('SELECT current_database() AS database, current_schema() AS schema');
    ({ database, schema } = rows[0] ?? { database: '', schema: '' });
    for (const role of STORE_ROLES) {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [roles[role]]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE ROLE ${quote(roles[role])} LOGIN`);
        created.push(roles[role]);
      }
      await client.query(`GRANT CONNECT ON DATABASE ${quote(database)} TO ${quote(roles[role])}`);
      await client.query(`GRANT USAGE ON SCHEMA ${quote(schema)} TO ${quote(roles[role])}`);
    }
    await client.query(`GRANT ${quote(roles.ingest)}, ${quote(roles.projector)} TO ${quote(roles.operator)}`);
    await client.query(`GRANT CREATE ON SCHEMA ${quote(schema)} TO ${quote(roles.owner)}`);
    // A store migrated before it had roles: its tables (schema_migrations among them) pass to the owner.
    for (const table of await existingTables(client)) await client.query(`ALTER TABLE ${quote(table)} OWNER TO ${quote(roles.owner)}`);
    await client.query(`SET ROLE ${quote(roles.owner)}`);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS store_roles (prefix text PRIMARY KEY)');
      await client.query('INSERT INTO store_roles (prefix) VALUES ($1) ON CONFLICT DO NOTHING', [prefix]);
      await client.query(`GRANT SELECT ON store_roles TO ${[roles.ingest, roles.projector, roles.reader].map(quote).join(', ')}`);
    } finally {
      await client.query('RESET ROLE');
    }
  } finally {
    client.release();
  }
  // Migrating as the owner: the tables it makes are the owner's, and it grants them (see migrate).
  const migrated = await asRole(pool, roles.owner, async (c) => {
    const status = await migrateWith(c);
    await grantStoreRoles(c, prefix);
    return status;
  });
  return { database, schema, roles, created, migrated };
}

/** Runs `work` on one client under another role (SET ROLE), as an administrator may. */
async function asRole<T>(pool: Pool, role: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`SET ROLE ${quote(role)}`);
    return await work(client);
  } finally {
    await client.query('RESET ROLE').catch(() => undefined);
    client.release();
  }
}

/** `setUpStoreRoles` on the database of a connection string (an administrator's), with a pool of its own. */
export async function setUpStoreRolesAt(connectionString: string, prefix: string): Promise<StoreRolesResult> {
  const pool = new Pool({ connectionString, max: 2, application_name: 'tthc-db-roles' });
  pool.on('error', () => undefined);
  try {
    return await setUpStoreRoles(pool, prefix);
  } catch (error) {
    throw mapPgError(error);
  } finally {
    await pool.end();
  }
}
