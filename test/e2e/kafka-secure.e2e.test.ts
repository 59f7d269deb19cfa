import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAuthenticationError } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { createPublisher } from '@tthc/publisher';
import { demoRegistry, generateDemoDataset, KAFKA_SECURE_CONFIG_ENV, requireEnv, runLauncher, runTthc } from '@tthc/test-support';

/** The settings infra/kafka/secure.sh writes for its SASL_SSL listener: a `--kafka-config` file. */
interface SecureConfig {
  readonly brokers: string;
  readonly tls: { readonly ca: string };
  readonly sasl: { readonly mechanism: 'scram-sha-512'; readonly username: string; readonly passwordFile: string };
}

/** tthc as its own process, its logs on stderr as an operator's journal would keep them. The plaintext brokers of the test run would win over a config file's (flags, then environment, then file). */
const tthc = (args: readonly string[], env: Record<string, string> = {}) => runLauncher(args, env, ['KAFKA_BROKERS']);

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

  it('sends a simulation as DVCQG sync records over SASL_SSL (simulate --kafka), which the second door takes in over it', async () => {
    const profile = join(__dirname, '..', 'fixtures', 'profiles', 'lam-dong-2024-h1.json');
    const syncTopic = `${topic}.sync`;
    const simulated = await tthc([
      'simulate',
      '--profile',
      profile,
      '--scale',
      '0.001',
      '--kafka',
      '--format',
      'dvcqg',
      '--kafka-config',
      configFile,
      '--topic',
      syncTopic,
      '--registry-topic',
      `${syncTopic}.registry`,
    ]);
    expect(simulated).toMatchObject({ code: 0 });
    const { source, records } = JSON.parse(simulated.stdout) as { source: string; records: number };
    expect(records).toBeGreaterThan(0);
    const ingested = await tthc([
      'ingest',
      '--format',
      'dvcqg',
      '--source',
      source,
      '--kafka-config',
      configFile,
      '--topic',
      syncTopic,
      '--registry-topic',
      `${syncTopic}.registry`,
      '--group',
      `secure-sync-${run}`,
      '--until-idle',
      '--idle-ms',
      '1500',
      '--store',
      `sqlite:${join(dir, 'sync.sqlite')}`,
    ]);
    expect(ingested).toMatchObject({ code: 0 });
    expect(JSON.parse(ingested.stdout)).toMatchObject({ records: { records, refused: 0 } });
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
