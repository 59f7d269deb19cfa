import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { POSTGRES_URL_ENV, requireEnv } from './servers';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server, so that test files never see each other's data. */
export async function createTestDatabase(prefix = 'tthc_t'): Promise<TestDatabase> {
  const adminUrl = requireEnv(POSTGRES_URL_ENV);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
