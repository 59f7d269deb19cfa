import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sleep } from '@tthc/retry';

const run = promisify(execFile);
const INFRA = join(__dirname, '..', '..', '..', 'infra');

/** PostgreSQL's own binaries (initdb, pg_ctl): Debian keeps them out of PATH, under /usr/lib/postgresql/<version>/bin. */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  return name;
}

/**
 * A PostgreSQL cluster of the harness's own, in its own folder and on its own port, so that it may
 * be killed: `kill()` is a SIGKILL of the postmaster, as a crash or an OOM kill would be.
 */
export class PrivateCluster {
  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async init(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const asPostgres = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
    // initdb refuses to run as root: the cluster belongs to the postgres user when we are root.
    if (asPostgres.length > 0) await run('chown', ['-R', 'postgres', this.dir]);
    await this.pg(pgBin('initdb'), ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await this.start();
  }

  /** The cluster's data folder, where postgresql.conf and pg_hba.conf live. */
  get data(): string {
    return join(this.dir, 'data');
  }

  private pg(bin: string, args: readonly string[]) {
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, [...args]);
  }

  async start(): Promise<void> {
    await this.pg(pgBin('pg_ctl'), [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-w',
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir} -c fsync=off -c max_connections=200`,
      'start',
    ]);
  }

  /** SIGKILL of the postmaster; its backends end as they notice. */
  kill(): void {
    const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
  }

  /** Whether the postmaster runs (pg_ctl status). */
  running(): Promise<boolean> {
    return this.pg(pgBin('pg_ctl'), ['-D', this.data, 'status']).then(
      () => true,
      () => false,
    );
  }

  /** After a kill: waits until the old backends are gone, then starts again (crash recovery runs). */
  async restart(): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      try {
        await this.start();
        return;
      } catch {
        await sleep(200);
      }
    }
    throw new Error(`PostgreSQL on port ${this.port} did not start again`);
  }

  async stop(): Promise<void> {
    await this.pg(pgBin('pg_ctl'), ['-D', this.data, '-m', 'immediate', 'stop']).catch(() => undefined);
  }
}

/** A Kafka broker of the harness's own (infra/kafka, another port and state folder), which it may stop and start. */
export class PrivateBroker {
  constructor(
    private readonly state: string,
    readonly port: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private script(name: string, args: readonly string[] = []): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [join(INFRA, 'kafka', name), ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          TTHC_KAFKA_STATE: this.state,
          KAFKA_PORT: String(this.port),
          KAFKA_CONTROLLER_PORT: String(this.port + 1),
          // The faults are the same over TLS; the listener's certificates would only lengthen each start.
          KAFKA_SECURE_PORT: 'off',
        },
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`infra/kafka/${name} failed (${code}): ${err.trim()}`))));
    });
  }

  start(): Promise<void> {
    return this.script('start.sh');
  }

  stop(): Promise<void> {
    return this.script('stop.sh');
  }

  clean(): Promise<void> {
    return this.script('stop.sh', ['--clean']);
  }
}
