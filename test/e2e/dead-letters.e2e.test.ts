import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import {
  createTestDatabase,
  demoRegistry,
  generateDemoDataset,
  readDeadLetterTopic,
  KAFKA_BROKERS_ENV,
  requireEnv,
  runTthc,
  type TestDatabase,
} from '@tthc/test-support';

/** What the door refuses goes to the dead-letter topic, byte for byte, with the reason; a fix and a redrive let it through. */
describe('dead letters on the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `tthc.e2e.dlq.${run}`;
  const dlqTopic = `${topic}.dlq`;
  const dir = mkdtempSync(join(tmpdir(), 'tthc-dlq-'));
  let brokers: string;
  let db: TestDatabase;
  let kafka: Kafka;

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    kafka = new Kafka({ clientId: 'tthc-e2e', brokers: [brokers], logLevel: logLevel.NOTHING });
    db = await createTestDatabase();
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', db.url);
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends invalid, unknown-agency and unauthorised-source messages there with their reasons, keeps the rest flowing, and redrives them after a fix', async () => {
    const { events } = generateDemoDataset({ seed: 8, dossiers: 30, period: { from: '2024-03-01', to: '2024-03-31' } });
    const received = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    if (received?.type !== 'vn.gov.tthc.dossier.received.v2') throw new Error('no receipt');
    const unknownAgency = { ...received, id: `ua-${run}`, subject: 'H36-DLQ-UA-001', data: { ...received.data, processingAgencyCode: '000.99.99.H36' } };
    const stranger = { ...received, id: `us-${run}`, subject: 'H36-DLQ-US-001', source: 'urn:tthc:payment-gateway' };
    const bad = [
      { key: 'H36-DLQ-JSON-01', value: '{"specversion":"1.0",' },
      { key: unknownAgency.subject, value: JSON.stringify(unknownAgency) },
      { key: stranger.subject, value: JSON.stringify(stranger) },
    ];
    const producer = kafka.producer();
    await producer.connect();
    // Bad messages in the middle of good ones, on the same partitions: a poison message must not block.
    await producer.send({ topic, messages: events.slice(0, 40).map((e) => ({ key: e.subject, value: JSON.stringify(e) })) });
    await producer.send({ topic, messages: bad });
    await producer.send({ topic, messages: events.slice(40).map((e) => ({ key: e.subject, value: JSON.stringify(e) })) });
    await producer.disconnect();

    const ingested = JSON.parse(
      await runTthc(
        'ingest',
        '--brokers',
        brokers,
        '--topic',
        topic,
        '--dlq-topic',
        dlqTopic,
        '--group',
        `dlq-${run}`,
        '--until-idle',
        '--idle-ms',
        '1500',
        '--store',
        db.url,
      ),
    ) as { ingest: Record<string, number> };
    expect(ingested.ingest).toEqual({ consumed: events.length + 3, appended: events.length, duplicates: 0, deadLettered: 3, parked: 0 });

    const letters = (await readDeadLetterTopic(kafka, dlqTopic, bad.length, `dlq-reader-${run}`)).map((l) => ({ ...l, value: l.value?.toString() }));
    const byKey = new Map(letters.map((l) => [l.key, l]));
    // Not JSON, so never read: the topic gets its size and digest, not its bytes (which may hold anything).
    expect(byKey.get('H36-DLQ-JSON-01')).toMatchObject({
      value: expect.stringMatching(/^\[redacted: 21 bytes that were not read; sha256 [0-9a-f]{16}…\]$/) as unknown,
      reason: 'invalid-json',
      sourceTopic: topic,
    });
    expect(byKey.get(unknownAgency.subject)).toMatchObject({
      value: bad[1]?.value,
      reason: 'unknown-agency',
      message: expect.stringContaining('000.99.99.H36') as string,
    });
    expect(byKey.get(stranger.subject)).toMatchObject({
      reason: 'unauthorised-source',
      message: expect.stringContaining('urn:tthc:payment-gateway') as string,
    });
    for (const l of letters) expect(l.offset).toMatch(/^\d+$/);

    const listed = (await runTthc('dlq', 'list', '--status', 'dead', '--store', db.url))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reason: string });
    expect(listed.map((l) => l.reason).sort()).toEqual(['invalid-json', 'unauthorised-source', 'unknown-agency']);

    // The province adds the missing agency and lets the payment gateway publish: redrive.
    const fixed = demoRegistry();
    fixed.agencies.push({
      code: '000.99.99.H36',
      name: 'Sở mới (minh hoạ)',
      level: 'province',
      parent: '000.00.00.H36',
      validFrom: '2020-01-01',
      validTo: null,
      successor: null,
    });
    fixed.systems[0]?.agencies.push('000.99.99.H36');
    fixed.systems.push({ source: 'urn:tthc:payment-gateway', name: 'Cổng thanh toán (minh hoạ)', agencies: [received.data.processingAgencyCode] });
    writeFileSync(join(dir, 'registry-fixed.json'), JSON.stringify(fixed));
    await runTthc('registry', 'import', join(dir, 'registry-fixed.json'), '--store', db.url);
    const redriven = JSON.parse(await runTthc('dlq', 'redrive', '--store', db.url)) as { redrive: Record<string, number> };
    expect(redriven.redrive).toEqual({ letters: 3, appended: 2, duplicate: 0, dead: 1, parked: 0 });

    const status = JSON.parse(await runTthc('status', '--store', db.url, '--format', 'json')) as {
      ingest: { total: Record<string, number>; balanced: boolean };
      letters: Record<string, number>;
    };
    expect(status.ingest.balanced).toBe(true);
    expect(status.ingest.total).toEqual({ consumed: events.length + 3, appended: events.length + 2, duplicates: 0, deadLettered: 1, parked: 0 });
    expect(status.letters).toEqual({ dead: 1, parked: 0, purged: 0, byReason: { dead: { 'invalid-json': 1 }, parked: {}, purged: {} } });
  });
});
