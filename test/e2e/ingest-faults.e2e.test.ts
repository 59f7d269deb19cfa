import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  createTestDatabase,
  demoRegistry,
  generateDemoDataset,
  KAFKA_BROKERS_ENV,
  POSTGRES_URL_ENV,
  requireEnv,
  runTthc,
  type TestDatabase,
} from '@tthc/test-support';

// The command as operators start it: the launcher execs Node with each command's flags.
const CLI = join(__dirname, '../../services/cli/bin/tthc');

/** The store's own view: how many events, and how many distinct ids (a doubled event shows as a difference). */
async function storedCounts(url: string): Promise<{ events: number; distinct: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ events: string; distinct: string }>('SELECT count(*) AS events, count(DISTINCT event_id) AS distinct FROM events');
    return { events: Number(rows[0]?.events), distinct: Number(rows[0]?.distinct) };
  } finally {
    await client.end();
  }
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The ingest service as operators run it: a process of its own, following the topic. */
function startIngest(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn('bash', [CLI, 'ingest', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('ingest faults, on the real broker and PostgreSQL', () => {
  const run = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'tthc-faults-'));
  const { events } = generateDemoDataset({ seed: 21, dossiers: 8000, period: { from: '2024-01-01', to: '2024-06-30' } });
  let brokers: string;

  beforeAll(() => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    writeFileSync(join(dir, 'feed.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function freshRun(name: string): Promise<{ db: TestDatabase; topic: string; group: string; store: string[] }> {
    const db = await createTestDatabase();
    const topic = `tthc.e2e.${name}.${run}`;
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', db.url);
    await runTthc('publish', join(dir, 'feed.ndjson'), '--brokers', brokers, '--topic', topic);
    return { db, topic, group: `${name}-${run}`, store: ['--store', db.url] };
  }

  const catchUp = async (topic: string, group: string, store: string[]) =>
    (
      JSON.parse(await runTthc('ingest', '--brokers', brokers, '--topic', topic, '--group', group, '--until-idle', '--idle-ms', '1500', ...store)) as {
        ingest: { appended: number; duplicates: number; deadLettered: number };
      }
    ).ingest;

  it('killed mid-run and restarted: every event stored once, none lost', async () => {
    const { db, topic, group, store } = await freshRun('kill');
    try {
      const port = await freePort();
      const ingest = startIngest(['--brokers', brokers, '--topic', topic, '--group', group, '--metrics-port', String(port), ...store]);
      await waitFor(async () => (await storedCounts(db.url)).events > 2000, 'the first batches');
      // While it runs, operators see it: /health says ok, /metrics counts what it appended.
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      await expect(health.json()).resolves.toMatchObject({ status: 'ok', consumer: 'running' });
      // A batch is counted once it is settled, a moment after its events are visible in the store.
      const appendedTotal = async () =>
        Number(/^tthc_ingest_appended_total (\d+)/m.exec(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text())?.[1] ?? 0);
      await waitFor(async () => (await appendedTotal()) > 0, '/metrics to count appended events', 10_000);
      ingest.child.kill('SIGKILL');
      await ingest.exited;
      const before = await storedCounts(db.url);
      expect(before.events).toBeLessThan(events.length);

      const rest = await catchUp(topic, group, store);
      expect(rest.deadLettered).toBe(0);
      await expect(storedCounts(db.url)).resolves.toEqual({ events: events.length, distinct: events.length });
      // Whatever the killed process stored but had not committed in Kafka came again, and was recognised.
      expect(rest.appended).toBe(events.length - before.events);
    } finally {
      await db.drop();
    }
  });

  it('stopped with SIGTERM: finishes the batch in hand, leaves the group, and a restart redelivers nothing it stored', async () => {
    const { db, topic, group, store } = await freshRun('term');
    try {
      const ingest = startIngest(['--brokers', brokers, '--topic', topic, '--group', group, '--metrics-port', '0', ...store]);
      await waitFor(async () => (await storedCounts(db.url)).events > 2000, 'the first batches');
      ingest.child.kill('SIGTERM');
      await expect(ingest.exited).resolves.toBe(0);
      const rest = await catchUp(topic, group, store);
      expect(rest.duplicates).toBe(0);
      await expect(storedCounts(db.url)).resolves.toEqual({ events: events.length, distinct: events.length });
    } finally {
      await db.drop();
    }
  });

  it('the store unreachable in the middle of a run: ingest waits and retries, commits nothing meanwhile, and loses nothing', async () => {
    const { db, topic, group, store } = await freshRun('outage');
    const admin = new Client({ connectionString: requireEnv(POSTGRES_URL_ENV) });
    await admin.connect();
    const dbName = new URL(db.url).pathname.slice(1);
    try {
      const ingesting = catchUp(topic, group, store);
      await waitFor(async () => (await storedCounts(db.url)).events > 1000, 'the first batches');
      // The database goes away: no new connections, and the open ones are cut.
      await admin.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [dbName]);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await admin.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`);
      const result = await ingesting;
      expect(result.deadLettered).toBe(0);
      await expect(storedCounts(db.url)).resolves.toEqual({ events: events.length, distinct: events.length });
    } finally {
      await admin.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.end();
      await db.drop();
    }
  });
});
