import { parsePublisherConfig, PublisherConfigError, PUBLISHER_DEFAULTS } from './config';
import { createPublisher } from './publisher';

function configError(run: () => unknown): PublisherConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof PublisherConfigError) return error;
    throw error;
  }
  throw new Error('expected PublisherConfigError');
}

describe('publisher options', () => {
  it('fill the defaults and come back frozen', () => {
    const config = parsePublisherConfig({ brokers: ['127.0.0.1:9092'], source: 'urn:tthc:lamdong-motcua' });
    expect(config).toEqual({
      brokers: ['127.0.0.1:9092'],
      topic: 'tthc.dossier-events.v1',
      source: 'urn:tthc:lamdong-motcua',
      clientId: PUBLISHER_DEFAULTS.clientId,
      contentMode: 'structured',
      security: { tls: false, sasl: undefined },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.brokers)).toBe(true);
  });

  it('take brokers as a list or as KAFKA_BROKERS does', () => {
    expect(parsePublisherConfig({ brokers: 'k1:9092, k2:9093', topic: 'events.test', clientId: 'motcua-1' })).toEqual({
      brokers: ['k1:9092', 'k2:9093'],
      topic: 'events.test',
      source: undefined,
      clientId: 'motcua-1',
      contentMode: 'structured',
      security: { tls: false, sasl: undefined },
    });
  });

  it('keep the SASL password out of the config, which callers may log', () => {
    const config = parsePublisherConfig({ brokers: 'k1:9094', tls: true, sasl: { mechanism: 'scram-sha-512', username: 'motcua', password: 'hunter2-long' } });
    expect(config.security).toEqual({ tls: true, sasl: { mechanism: 'scram-sha-512', username: 'motcua' } });
    expect(JSON.stringify(config)).not.toContain('hunter2-long');
  });

  it.each([
    [{ brokers: [] as string[] }, 'brokers: must name at least one broker host:port'],
    [{ brokers: '' }, 'brokers: must name at least one broker host:port'],
    [{ brokers: ['127.0.0.1:9092', 'kafka'] }, 'brokers.1: each broker must be host:port'],
    [{ brokers: 'k1:9092', topic: 'events topic' }, 'topic: must be a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, ".", "_" or "-"'],
    [{ brokers: 'k1:9092', source: 'lamdong-motcua' }, 'source: must be a URN such as urn:tthc:lamdong-motcua'],
    [{ brokers: 'k1:9092', clientId: '' }, 'clientId: must not be empty'],
    [{ brokers: 'k1:9092', contentMode: 'batch' as 'binary' }, 'contentMode: must be structured or binary'],
    [{ brokers: 'k1:9092', tls: { ca: 'ca.pem' } }, 'tls.ca: must be the CA certificate as PEM text (-----BEGIN …)'],
    [
      { brokers: 'k1:9092', sasl: { mechanism: 'gssapi' as 'plain', username: 'u', password: 'p' } },
      'sasl.mechanism: must be one of scram-sha-512, scram-sha-256, plain',
    ],
  ])('refuse %j naming the field and the rule', (input, detail) => {
    const error = configError(() => parsePublisherConfig(input));
    expect(error.message).toBe(`invalid publisher options: ${detail}`);
  });

  it('are checked before any connection is tried', async () => {
    // Port 1 has no broker: a connection attempt would fail differently, and slowly.
    await expect(createPublisher({ brokers: ['127.0.0.1:1'], source: 'not a urn' })).rejects.toThrow(PublisherConfigError);
  });
});
