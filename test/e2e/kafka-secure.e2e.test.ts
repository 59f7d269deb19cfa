import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAuthenticationError } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { createPublisher } from '@tthc/publisher';
import { demoRegistry, generateDemoDataset, KAFKA_SECURE_CONFIG_ENV, requireEnv, runTthc } from '@tthc/test-support';

// `services/cli/bin/tthc` as an operator starts it, on the build (pnpm test builds first).
const LAUNCHER = join(__dirname, '..', '..', 'services', 'cli', 'bin', 'tthc');

/** The settings infra/kafka/secure.sh writes for its SASL_SSL listener: a `--kafka-config` file. */
interface SecureConfig {
  readonly brokers: string;
  readonly tls: { readonly ca: string };
  readonly sasl: { readonly mechanism: 'scram-sha-512'; readonly username: string; readonly passwordFile: string };
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs tthc as its own process (its logs on stderr are what an operator's journal would keep). */
function tthc(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  // The plaintext brokers of the test run would win over the config file's (flags, then environment, then file).
  const { KAFKA_BROKERS: _plaintext, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [LAUNCHER, ...args], { env: { ...inherited, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Issue #22, point 1: the pipeline's Kafka clients over a SASL_SSL listener, as a province's cluster would require. */
describe('Kafka over SASL_SSL (the local broker listener that infra/kafka/secure.sh sets up)', () => {
  const run = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'tthc-kafka-secure-'));
  const configFile = requireEnv(KAFKA_SECURE_CONFIG_ENV);
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as SecureConfig;
  const password = readFileSync(config.sasl.passwordFile, 'utf8');
  const store = `sqlite:${join(dir, 'store.sqlite')}`;
  const topic = `tthc.e2e.secure.${run}`;
  const registryTopic = `${topic}.registry`;
  const { events } = generateDemoDataset({ seed: 22, dossiers: 12, period: { from: '2024-02-01', to: '2024-02-29' } });
  const feed = join(dir, 'feed.ndjson');

  beforeAll(async () => {
    writeFileSync(feed, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', store);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes with SCRAM-SHA-512 from a config file and ingests with PLAIN from flags and the environment, and logs no secret', async () => {
    const published = await tthc(['publish', feed, '--kafka-config', configFile, '--topic', topic, '--registry-topic', registryTopic, '--log-level', 'debug']);
    expect(published).toMatchObject({ code: 0 });
    expect(JSON.parse(published.stdout)).toMatchObject({ published: events.length });

    const ingested = await tthc(
      [
        'ingest',
        '--brokers',
        config.brokers,
        '--kafka-ca',
        config.tls.ca,
        '--kafka-sasl',
        'plain',
        '--kafka-user',
        config.sasl.username,
        '--topic',
        topic,
        '--registry-topic',
        registryTopic,
        '--group',
        `secure-${run}`,
        '--until-idle',
        '--idle-ms',
        '1500',
        '--store',
        store,
        '--log-level',
        'debug',
      ],
      { KAFKA_SASL_PASSWORD: password },
    );
    expect(ingested).toMatchObject({ code: 0 });
    expect(JSON.parse(ingested.stdout)).toMatchObject({ ingest: { consumed: events.length, appended: events.length, deadLettered: 0 } });
    // Debug logs name the protocol and the user, never the password.
    expect(ingested.stderr).toContain('"component":"kafkajs"');
    for (const output of [published.stdout, published.stderr, ingested.stdout, ingested.stderr]) expect(output).not.toContain(password);
  });

  it('fails at once on a wrong password, saying so in one line that names the user and not the password', async () => {
    const wrong = `${password}-wrong`;
    const result = await tthc(['ingest', '--kafka-config', configFile, '--topic', topic, '--until-idle', '--store', store], { KAFKA_SASL_PASSWORD: wrong });
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.trim().length > 0);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^tthc \\[KAFKA_AUTH_FAILED\\]: Kafka refused the credentials at ${config.brokers} over SASL_SSL \\(scram-sha-512 as ${config.sasl.username}\\)`,
        ),
      ),
    ]);
    expect(result.stderr).not.toContain(wrong);
    // Not after kafkajs's retries (most of a minute): the broker's refusal is final.
    expect(result.ms).toBeLessThan(15_000);
  });

  it('refuses a broker whose certificate is signed by a CA it was not given, pointing at --kafka-ca', async () => {
    const result = await tthc(
      ['publish', feed, '--brokers', config.brokers, '--kafka-tls', '--kafka-sasl', 'scram-sha-512', '--kafka-user', config.sasl.username, '--topic', topic],
      {
        KAFKA_SASL_PASSWORD: password,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tthc \[KAFKA_TLS_FAILED\]: TLS to Kafka failed at .*certificate.*--kafka-ca/);
  });

  it('says which setting is missing before connecting', async () => {
    const result = await tthc(['publish', feed, '--brokers', config.brokers, '--kafka-ca', config.tls.ca, '--kafka-sasl', 'plain', '--kafka-user', 'tthc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tthc \[USAGE\]: --kafka-password-file: give the password of tthc in KAFKA_SASL_PASSWORD/);
  });

  it('gives the publisher SDK the same TLS and SASL options, and the same error for a wrong password', async () => {
    const tls = { ca: readFileSync(config.tls.ca, 'utf8') };
    const logger = createLogger({ level: 'silent' });
    const publisher = await createPublisher({
      brokers: config.brokers,
      tls,
      sasl: { mechanism: 'scram-sha-512', username: config.sasl.username, password },
      topic,
      source: 'urn:tthc:demo-motcua',
      logger,
    });
    try {
      expect(publisher.config.security).toEqual({ tls: true, sasl: { mechanism: 'scram-sha-512', username: config.sasl.username } });
      expect(JSON.stringify(publisher.config)).not.toContain(password);
    } finally {
      await publisher.disconnect();
    }
    await expect(
      createPublisher({
        brokers: config.brokers,
        tls,
        sasl: { mechanism: 'scram-sha-512', username: config.sasl.username, password: 'not-it' },
        topic,
        logger,
      }),
    ).rejects.toBeInstanceOf(KafkaAuthenticationError);
  });
});
