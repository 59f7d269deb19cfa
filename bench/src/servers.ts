import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_BROKERS } from './options';
import { status } from './progress';

const INFRA = join(__dirname, '..', '..', 'infra');

/** Runs an infra script; its status lines go to our stderr, its stdout is returned. */
function script(path: string, args: readonly string[] = []): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** The server infra/postgres/ensure.sh starts: 127.0.0.1 or localhost on port 5432. */
const isLocalServer = (url: string): boolean => {
  const u = new URL(url);
  return ['127.0.0.1', 'localhost'].includes(u.hostname) && (u.port === '' || u.port === '5432');
};

/**
 * The servers a run needs, started through `infra/` when they are not running, and stopped at the end
 * only if this run started them. Servers given elsewhere (`--postgres`, `--brokers`) are never started.
 */
export class Servers {
  private startedPostgres = false;
  private startedKafka = false;

  /** Makes PostgreSQL answer: `infra/postgres/ensure.sh` when the URL names the local server (port 5432) and nothing answers. */
  async ensurePostgres(url: string, answers: () => Promise<boolean>): Promise<void> {
    if (await answers()) return;
    if (!isLocalServer(url)) throw new Error('PostgreSQL does not answer at the --postgres URL, and the bench starts only the local server');
    status('PostgreSQL is not running: starting it with infra/postgres/ensure.sh…');
    const { code, stdout } = await script(join(INFRA, 'postgres', 'ensure.sh'), ['postgres']);
    if (code !== 0) throw new Error(`infra/postgres/ensure.sh failed (exit ${code})`);
    this.startedPostgres = /^PG_STARTED_BY_US=1$/m.test(stdout);
  }

  /** Makes a broker answer: `infra/kafka/start.sh` when the brokers are the local default and none answers. */
  async ensureKafka(brokers: string): Promise<void> {
    if (brokers !== DEFAULT_BROKERS) return;
    const probe = await script(join(INFRA, 'kafka', 'wait.sh'), ['--once', '--quiet']);
    if (probe.code === 0) return;
    status('Kafka is not running: starting it with infra/kafka/start.sh…');
    const { code, stdout } = await script(join(INFRA, 'kafka', 'start.sh'));
    if (code !== 0) throw new Error(`infra/kafka/start.sh failed (exit ${code})`);
    // Another run may have started one meanwhile: stop only a broker this call started.
    this.startedKafka = /^KAFKA_STARTED_BY_US=1$/m.test(stdout);
  }

  /** Stops what this run started, Kafka first. */
  async stop(): Promise<void> {
    if (this.startedKafka) {
      this.startedKafka = false;
      await script(join(INFRA, 'kafka', 'stop.sh'));
    }
    if (this.startedPostgres) {
      this.startedPostgres = false;
      await script(join(INFRA, 'postgres', 'stop.sh'));
    }
  }
}
