import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClientOf, kafkaOptionFields } from './kafka-options';
import { z } from 'zod';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const parse = (raw: Record<string, unknown>) => z.object(kafkaOptionFields).parse(raw);

describe('kafkaClientOf: where a command finds its brokers, TLS and SASL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-kafka-options-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca.pem'), CA);
  writeFileSync(join(dir, 'password'), 's3cret\n');
  const configFile = join(dir, 'kafka.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      brokers: ['k1:9094', 'k2:9094'],
      tls: { ca: 'ca.pem' },
      sasl: { mechanism: 'scram-sha-512', username: 'ingest', passwordFile: 'password' },
    }),
  );

  it('is plaintext with the brokers alone', () => {
    expect(kafkaClientOf(parse({ brokers: 'a:9092' }), {})).toEqual({ brokers: ['a:9092'], security: { tls: undefined } });
  });

  it('reads a config file, its paths relative to it, and drops the newline a password file ends with', () => {
    expect(kafkaClientOf(parse({ kafkaConfig: configFile }), {})).toEqual({
      brokers: ['k1:9094', 'k2:9094'],
      security: { tls: { ca: CA, cert: undefined, key: undefined }, sasl: { mechanism: 'scram-sha-512', username: 'ingest', password: 's3cret' } },
    });
  });

  it('lets flags and the environment win over the file', () => {
    const settings = kafkaClientOf(parse({ kafkaConfig: configFile, brokers: 'other:9094', kafkaSasl: 'plain', kafkaUser: 'ops' }), {
      KAFKA_SASL_PASSWORD: 'from-env',
    });
    expect(settings).toEqual({
      brokers: ['other:9094'],
      security: { tls: { ca: CA, cert: undefined, key: undefined }, sasl: { mechanism: 'plain', username: 'ops', password: 'from-env' } },
    });
  });

  it('takes KAFKA_TLS from the environment as text', () => {
    expect(kafkaClientOf(parse({ brokers: 'a:9093', kafkaTls: 'true' }), {}).security).toEqual({ tls: true });
    expect(kafkaClientOf(parse({ brokers: 'a:9093', kafkaTls: '0' }), {}).security).toEqual({ tls: undefined });
  });

  it.each([
    [{}, /^--brokers: give Kafka brokers/],
    [{ brokers: 'a:1', kafkaUser: 'x' }, /^--kafka-sasl: give the SASL mechanism/],
    [{ brokers: 'a:1', kafkaSasl: 'plain' }, /^--kafka-user: give the SASL user for plain/],
    [{ brokers: 'a:1', kafkaSasl: 'plain', kafkaUser: 'x' }, /^--kafka-password-file: give the password of x in KAFKA_SASL_PASSWORD/],
    [{ brokers: 'a:1', kafkaCa: join(dir, 'missing.pem') }, /^--kafka-ca: cannot read .*missing\.pem: ENOENT/],
  ])('names the option that is missing or wrong: %j', (raw, message) => {
    expect(() => kafkaClientOf(parse(raw), {})).toThrow(message);
  });

  it('names the field of a config file that breaks a rule', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ brokers: 'a:1', sasl: { mechanism: 'gssapi', username: 'x' } }));
    expect(() => kafkaClientOf(parse({ kafkaConfig: bad }), {})).toThrow(
      /^--kafka-config .*bad\.json: sasl\.mechanism: must be one of scram-sha-512, scram-sha-256, plain/,
    );
    writeFileSync(bad, JSON.stringify({ brokers: 'a:1', tls: { cert: 'c.pem' } }));
    expect(() => kafkaClientOf(parse({ kafkaConfig: bad }), {})).toThrow(/cannot read .*c\.pem/);
  });
});
