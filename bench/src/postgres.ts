import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

export interface BenchDatabase {
  readonly name: string;
  /** Connection string of the new database. */
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * The bench's handle on a PostgreSQL server: through its maintenance database it creates a fresh
 * database per row (`tthc_bench_<random>`) and drops it afterwards, also when a run is interrupted.
 */
export class PostgresServer {
  private readonly admin: Pool;
  private readonly live = new Set<string>();

  constructor(private readonly adminUrl: string) {
    this.admin = new Pool({ connectionString: adminUrl, max: 1, application_name: 'tthc-bench' });
    this.admin.on('error', () => undefined);
  }

  async serverVersion(): Promise<string> {
    const { rows } = await this.admin.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  }

  /**
   * `CHECKPOINT`, untimed, before each row that writes: so that no row pays for the checkpoint the
   * previous row's WAL would otherwise bring on during its timed work.
   */
  async checkpoint(): Promise<void> {
    await this.admin.query('CHECKPOINT');
  }

  async createDatabase(): Promise<BenchDatabase> {
    const name = `tthc_bench_${randomBytes(6).toString('hex')}`;
    await this.admin.query(`CREATE DATABASE ${name}`);
    this.live.add(name);
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return { name, url: url.toString(), drop: () => this.dropDatabase(name) };
  }

  private async dropDatabase(name: string): Promise<void> {
    // FORCE ends connections a failed row may have left behind.
    await this.admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    this.live.delete(name);
  }

  /** Drops every database this run created and has not dropped yet. */
  async dropAll(): Promise<void> {
    for (const name of [...this.live]) await this.dropDatabase(name).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.dropAll();
    await this.admin.end();
  }
}

/** A plain client on one database, for the limit rows. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'tthc-bench' });
  // Dropping the database on Ctrl-C ends this connection; the query in hand reports it, not a crash.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
