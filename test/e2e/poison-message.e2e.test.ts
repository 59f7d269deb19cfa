import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { registryEvent } from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { publishRegistry } from '@tthc/publisher';
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

/** The event ids the store holds, from the database itself. */
async function storedIds(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string }>('SELECT event_id FROM events');
    return rows.map((r) => r.event_id);
  } finally {
    await client.end();
  }
}

/** Messages that no retry can fix, between good events on a real topic: each goes to the dead-letter topic and table, and the group moves past it. */
describe('poison messages on the real broker', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `tthc.e2e.poison.${run}`;
  const dlqTopic = `${topic}.dlq`;
  const registryTopic = `tthc.e2e.poison-registry.${run}`;
  const group = `poison-${run}`;
  let brokers: string;
  let db: TestDatabase;
  let kafka: Kafka;

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    kafka = new Kafka({ clientId: 'tthc-e2e', brokers: [brokers], logLevel: logLevel.NOTHING });
    db = await createTestDatabase();
    // Nothing imported by hand: ingest takes the registry from its topic.
    const envelope = { id: `registry-${run}`, source: 'urn:tthc:simulator', subject: 'demo', time: '2024-01-01T00:00:00+07:00' };
    await publishRegistry(registryEvent(demoRegistry(), envelope), { brokers: [brokers], topic: registryTopic, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('dead-letters a NUL, invalid UTF-8 and a key written twice with their reasons, appends every good event, and commits the group to the end of the topic', async () => {
    const { events } = generateDemoDataset({ seed: 13, dossiers: 30, period: { from: '2024-04-01', to: '2024-04-30' } });
    const received = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    if (received?.type !== 'vn.gov.tthc.dossier.received.v2') throw new Error('no receipt');
    const [head, tail] = JSON.stringify({ ...received, id: `utf8-${run}-@@`, subject: 'H36-POISON-UTF8' }).split('@@');
    const withDuplicate = JSON.stringify({ ...received, id: `dup-${run}`, subject: 'H36-POISON-DUP1' });
    const poison = [
      {
        key: 'H36-POISON-NUL1',
        value: Buffer.from(
          JSON.stringify({
            ...received,
            id: `nul-${run}`,
            subject: 'H36-POISON-NUL1',
            data: { ...received.data, processingAgencyCode: `${received.data.processingAgencyCode}\u0000` },
          }),
        ),
      },
      { key: 'H36-POISON-UTF8', value: Buffer.concat([Buffer.from(head ?? ''), Buffer.from([0xc3, 0x28]), Buffer.from(tail ?? '')]) },
      // The same key twice in one object: JSON.parse would keep the last, so the sender's meaning is unknown.
      { key: 'H36-POISON-DUP1', value: Buffer.from(`{"subject":"H36-POISON-DUP2",${withDuplicate.slice(1)}`) },
    ];
    expect(poison[0]?.value.toString()).toContain('\\u0000');

    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
      const producer = kafka.producer();
      await producer.connect();
      // Poison in the middle of good events, on the partitions the good ones use: it must not block them.
      const third = Math.ceil(events.length / 3);
      const good = (from: number, to: number) => events.slice(from, to).map((e) => ({ key: e.subject, value: JSON.stringify(e) }));
      await producer.send({ topic, messages: good(0, third) });
      await producer.send({ topic, messages: [poison[0]!, poison[1]!] });
      await producer.send({ topic, messages: good(third, 2 * third) });
      await producer.send({ topic, messages: [poison[2]!] });
      await producer.send({ topic, messages: good(2 * third, events.length) });
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
          '--registry-topic',
          registryTopic,
          '--group',
          group,
          '--until-idle',
          '--idle-ms',
          '1500',
          '--store',
          db.url,
        ),
      ) as { ingest: Record<string, number> };
      expect(ingested.ingest).toEqual({ consumed: events.length + 3, appended: events.length, duplicates: 0, deadLettered: 3, parked: 0 });
      const ids = await storedIds(db.url);
      expect(ids).toHaveLength(events.length);
      expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));

      // The group's committed offset is at the end of every partition: no poison message is left to be redelivered.
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
      expect(ends.map((e) => [e.partition, at.get(e.partition)]).sort()).toEqual(ends.map((e) => [e.partition, e.high]).sort());
      expect(ends.reduce((total, e) => total + Number(e.high), 0)).toBe(events.length + 3);
    } finally {
      await admin.disconnect();
    }

    const letters = await readDeadLetterTopic(kafka, dlqTopic, poison.length, `poison-reader-${run}`);
    expect(letters).toHaveLength(poison.length);
    const byKey = new Map(letters.map((l) => [l.key, l]));
    expect(byKey.get('H36-POISON-NUL1')).toMatchObject({
      reason: 'invalid-event',
      message: expect.stringMatching(/^data\.processingAgencyCode: must not contain U\+0000 \(NUL\)/) as string,
    });
    expect(byKey.get('H36-POISON-UTF8')).toMatchObject({
      reason: 'invalid-encoding',
      message: `(message): must be UTF-8 text: byte 0xC3 at offset ${Buffer.byteLength(head ?? '')} is not valid UTF-8`,
    });
    expect(byKey.get('H36-POISON-DUP1')).toMatchObject({
      reason: 'invalid-json',
      message: 'subject: is written twice in one object: the sender meant one value',
    });
    for (const p of poison) {
      const letter = byKey.get(p.key);
      // Byte for byte, as published, the escaped NUL included; bytes never read (invalid UTF-8, JSON
      // with a key twice) may hold anything: their size and digest only.
      if (letter?.reason === 'invalid-event') expect(letter.value?.equals(p.value)).toBe(true);
      else expect(letter?.value?.toString()).toMatch(new RegExp(`^\\[redacted: ${p.value.length} bytes that were not read; sha256 [0-9a-f]{16}…\\]$`));
      expect(letter).toMatchObject({ sourceTopic: topic, offset: expect.stringMatching(/^\d+$/) as string });
    }

    const listed = (await runTthc('dlq', 'list', '--status', 'dead', '--store', db.url))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { origin: string; reason: string; message: string; dossierCode: string | null });
    expect(listed.map((l) => [l.dossierCode, l.reason]).sort()).toEqual([
      ['H36-POISON-DUP1', 'invalid-json'],
      ['H36-POISON-NUL1', 'invalid-event'],
      ['H36-POISON-UTF8', 'invalid-encoding'],
    ]);
    for (const l of listed) {
      expect(l.origin).toMatch(new RegExp(`^${topic.replace(/\./g, '\\.')}/\\d+@\\d+$`));
      expect(l.message).toBe(byKey.get(l.dossierCode ?? undefined)?.message);
    }

    const status = JSON.parse(await runTthc('status', '--store', db.url, '--format', 'json')) as {
      ingest: {
        total: Record<string, number>;
        balanced: boolean;
        partitions: { partition: number; firstOffset: string; nextOffset: string; distinct: number }[];
      };
      letters: Record<string, number>;
    };
    expect(status.ingest.balanced).toBe(true);
    // Every offset of every partition is accounted for, each once.
    expect(status.ingest.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    expect(status.ingest.partitions.every((p) => p.firstOffset === '0' && p.distinct === Number(p.nextOffset))).toBe(true);
    expect(status.ingest.partitions.reduce((sum, p) => sum + p.distinct, 0)).toBe(events.length + 3);
    expect(status.ingest.total).toEqual({ consumed: events.length + 3, appended: events.length, duplicates: 0, deadLettered: 3, parked: 0 });
    expect(status.letters).toEqual({
      dead: 3,
      parked: 0,
      purged: 0,
      byReason: { dead: { 'invalid-encoding': 1, 'invalid-event': 1, 'invalid-json': 1 }, parked: {}, purged: {} },
    });
  });
});
