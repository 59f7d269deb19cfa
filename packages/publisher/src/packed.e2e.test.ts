import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer } from 'kafkajs';
import { createKafka } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { KAFKA_BROKERS_ENV, requireEnv } from '@tthc/test-support';

// Packing, an npm install and a tsc run come before the broker's part: well under a minute here.
jest.setTimeout(120_000);

const root = join(__dirname, '..', '..', '..');
const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

/** Runs a command; resolves with its stdout, rejects with what it printed (tsc prints its errors on stdout), so that a failure says why. */
function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

interface Consumed {
  readonly key: string | undefined;
  readonly value: string;
  readonly headers: Record<string, string | undefined>;
}

/**
 * The SDK as a vendor gets it: the tarball of `scripts/pack.mjs`, installed by npm into an empty
 * project (nothing of this workspace on its path), the README's quick start run by plain Node against
 * the broker, and a strict TypeScript file compiled against the bundled types.
 */
describe('the packed SDK, installed from its tarball', () => {
  const runId = randomBytes(4).toString('hex');
  const topic = `tthc.publisher-packed-e2e.${runId}`;
  const logger = createLogger({ level: 'error' });
  const consumed: Consumed[] = [];
  let scratch: string;
  let project: string;
  let installed: string;
  let brokers: string;
  let admin: Admin | undefined;
  let consumer: Consumer | undefined;

  /** The broker's part: a topic of its own, read from the start while the package is made and installed. */
  async function startConsumer(): Promise<void> {
    const kafka = createKafka({ brokers: brokers.split(','), clientId: `publisher-packed-e2e-${runId}`, logger });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    consumer = kafka.consumer({ groupId: `publisher-packed-e2e-${runId}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
        consumed.push({ key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
  }

  /** Packs into the scratch folder (not packages/publisher/pack) and installs the tarball into an empty npm project. */
  async function packAndInstall(): Promise<void> {
    const packed = run(process.execPath, [join(root, 'packages', 'publisher', 'scripts', 'pack.mjs'), '--out', join(scratch, 'tarball')], { cwd: root });
    await run('npm', ['init', '-y'], { cwd: project });
    const tarball = (await packed).trim();
    expect(tarball).toBe(join(scratch, 'tarball', `tthc-publisher-${version}.tgz`));
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: project, timeoutMs: 120_000 });
  }

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    scratch = mkdtempSync(join(tmpdir(), 'tthc-publisher-packed-'));
    project = join(scratch, 'vendor-app');
    mkdirSync(project);
    installed = join(project, 'node_modules', '@tthc', 'publisher');
    // Both run to their end before a failure is thrown, so that afterAll finds the clients it must close.
    const started = await Promise.allSettled([packAndInstall(), startConsumer()]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin?.disconnect();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('installs one package: no workspace package left, its npm dependencies declared with the workspace ranges', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: '@tthc/publisher', version, main: 'index.js', types: 'index.d.ts', engines: { node: '>=20.11' } });
    expect(manifest.private).toBeUndefined();
    // The README's install section names these; a change here is a change there.
    expect(manifest.dependencies).toEqual({ kafkajs: '^2.2.4', luxon: '^3.7.2', pino: '^10.4.0', uuid: '^11.1.1', zod: '^4.1.12' });
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'index.d.ts', 'index.js', 'package.json']);
    expect(readdirSync(join(project, 'node_modules', '@tthc'))).toEqual(['publisher']);
    expect(readFileSync(join(installed, 'index.d.ts'), 'utf8')).not.toContain('@tthc/');
    expect(readFileSync(join(installed, 'index.js'), 'utf8')).not.toMatch(/require\(["']@tthc\//);
    expect(readFileSync(join(installed, 'README.md'), 'utf8')).toBe(readFileSync(join(root, 'packages', 'publisher', 'README.md'), 'utf8'));
  });

  it("runs the README's quick start with plain node, as an ES module and as CommonJS, and the event reaches the topic", async () => {
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    const quickStart = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const source = "source: 'urn:tthc:lamdong-motcua'";
    const esm = "import { createPublisher } from '@tthc/publisher';";
    expect(quickStart).toContain(source);
    expect(quickStart).toContain(esm);
    // This run's own topic, not the default one other tests read.
    const script = quickStart.replace(source, `${source}, topic: '${topic}'`);
    writeFileSync(join(project, 'send.mjs'), script);
    writeFileSync(join(project, 'send.cjs'), script.replace(esm, "const { createPublisher } = require('@tthc/publisher');"));

    const env = { ...process.env, [KAFKA_BROKERS_ENV]: brokers };
    const outputs = await Promise.all(['send.mjs', 'send.cjs'].map((file) => run(process.execPath, [file], { cwd: project, env, timeoutMs: 60_000 })));
    const sent = outputs.map((stdout) => {
      const match = /^sent (\S+) (\S+)$/m.exec(stdout);
      expect(match).not.toBeNull();
      return { type: match![1], id: match![2] };
    });
    expect(sent.map((e) => e.type)).toEqual(['vn.gov.tthc.dossier.received.v2', 'vn.gov.tthc.dossier.received.v2']);

    const deadline = Date.now() + 60_000;
    const idOf = (m: (typeof consumed)[number]) => (JSON.parse(m.value) as { id?: string }).id;
    const arrived = () => sent.every(({ id }) => consumed.some((m) => idOf(m) === id));
    while (!arrived() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(consumed).toHaveLength(2);
    for (const { id } of sent) {
      const message = consumed.find((m) => idOf(m) === id)!;
      expect(message.key).toBe('H36.01-240315-0001');
      expect(message.headers['content-type']).toBe('application/cloudevents+json; charset=UTF-8');
      expect(JSON.parse(message.value)).toMatchObject({
        id,
        type: 'vn.gov.tthc.dossier.received.v2',
        subject: 'H36.01-240315-0001',
        source: 'urn:tthc:lamdong-motcua',
        time: '2024-03-15T09:12:00+07:00',
      });
    }
  });

  it('types a strict TypeScript consumer with the bundled index.d.ts, as CommonJS and as an ES module', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { createPublisher, InvalidEventError, type DossierPublisher, type ReceivedData } from '@tthc/publisher';

const data: ReceivedData = {
  procedureCode: '1.002835',
  receivingAgencyCode: '000.00.01.H36',
  processingAgencyCode: '000.00.01.H36',
  channel: 'online',
  onlineServiceLevel: 'full-process',
  receivedAt: '2024-03-15T09:12:00+07:00',
  dueDate: '2024-03-22',
};

export async function send(brokers: string): Promise<string> {
  const publisher: DossierPublisher = await createPublisher({ brokers, source: 'urn:tthc:lamdong-motcua' });
  try {
    const event = await publisher.received('H36.01-240315-0001', data);
    const dueDate: string = event.data.dueDate;
    return event.subject + ' ' + dueDate + ' ' + event.id;
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems.map((problem) => problem.field + ': ' + problem.rule).join('; ');
    throw error;
  } finally {
    await publisher.disconnect();
  }
}

// @ts-expect-error the types are the schema's, not any: a channel it does not list is refused
export const wrongChannel: ReceivedData = { ...data, channel: 'fax' };
`,
    );
    writeFileSync(
      join(project, 'consumer.mts'),
      `import { createPublisher, KafkaAuthenticationError, type KafkaSasl, type KafkaTls, type PublisherOptions } from '@tthc/publisher';

const tls: KafkaTls = { ca: '-----BEGIN CERTIFICATE-----' };
const sasl: KafkaSasl = { mechanism: 'scram-sha-512', username: 'motcua', password: 'from-a-secret-store' };
const options: PublisherOptions = { brokers: ['localhost:9092'], topic: 'tthc.dossier-events.v1', tls, sasl };
export const publisher = await createPublisher({ ...options, source: 'urn:tthc:lamdong-motcua' }).catch((error: unknown) => {
  if (error instanceof KafkaAuthenticationError) throw new Error(\`check the SASL user: \${error.message}\`);
  throw error;
});
`,
    );
    // Node's own types as a vendor's TypeScript project has them (kafkajs's and pino's types use them).
    const tsc = join(root, 'node_modules', '.bin', 'tsc');
    const typeRoots = join(root, 'node_modules', '@types');
    const options = ['--noEmit', '--strict', '--module', 'node16', '--target', 'es2022', '--types', 'node', '--typeRoots', typeRoots];
    await expect(run(tsc, [...options, 'consumer.ts', 'consumer.mts'], { cwd: project })).resolves.toBe('');
  });
});
