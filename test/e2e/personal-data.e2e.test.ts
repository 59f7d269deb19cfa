import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import {
  createTestDatabase,
  demoRegistry,
  generateDemoDataset,
  KAFKA_BROKERS_ENV,
  markersIn,
  pgDump,
  readDeadLetterTopic,
  requireEnv,
  runLauncher,
  runTthc,
  type TestDatabase,
} from '@tthc/test-support';

/** What a one-stop-shop system might wrongly put in an event: a citizen's name, ID number, phone and address. */
const PERSONAL = { applicantName: 'Phạm Thị Hồng Nhung', citizenId: '068190004321', phone: '0987654321', address: '45 Phan Đình Phùng, Bảo Lộc' };
const MARKERS = Object.values(PERSONAL);

const tthc = (args: readonly string[]) => runLauncher(args);

/**
 * Issue #22, point 3: personal data a sender should never have sent is kept nowhere: not in the
 * store's letters, not on the dead-letter topic, not in the logs (at debug); the letters still say
 * which field broke which rule, and they go after their retention, still counted.
 */
describe('personal data a sender put in its messages', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `tthc.e2e.personal.${run}`;
  const dlqTopic = `${topic}.dlq`;
  const dir = mkdtempSync(join(tmpdir(), 'tthc-personal-'));
  let db: TestDatabase;
  let kafka: Kafka;
  const { events } = generateDemoDataset({ seed: 13, dossiers: 20, period: { from: '2024-06-01', to: '2024-06-30' } });

  beforeAll(async () => {
    kafka = new Kafka({ clientId: 'tthc-e2e', brokers: [requireEnv(KAFKA_BROKERS_ENV)], logLevel: logLevel.NOTHING });
    db = await createTestDatabase();
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', db.url);
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps it out of the letters, the dead-letter topic and the logs, while the letters name each field and rule', async () => {
    const received = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    if (received === undefined) throw new Error('no receipt');
    const bad = [
      // Fields the schema forbids, in the data and in the envelope.
      { key: 'H36-PD-000001', value: JSON.stringify({ ...received, id: `pd1-${run}`, subject: 'H36-PD-000001', data: { ...received.data, ...PERSONAL } }) },
      { key: 'H36-PD-000002', value: JSON.stringify({ ...received, id: `pd2-${run}`, subject: 'H36-PD-000002', applicant: PERSONAL.applicantName }) },
      // A type the pipeline does not know: none of its data is known.
      {
        key: 'H36-PD-000003',
        value: JSON.stringify({
          ...received,
          id: `pd3-${run}`,
          subject: 'H36-PD-000003',
          type: 'vn.gov.tthc.dossier.called.v1',
          data: { who: PERSONAL.applicantName },
        }),
      },
      // Not JSON at all, the first of them from its first character (V8's error message quotes such a text).
      { key: 'H36-PD-000004', value: `{"hoTen":"${PERSONAL.applicantName}","cccd":"${PERSONAL.citizenId}",` },
      { key: 'H36-PD-000005', value: `${PERSONAL.applicantName}; ${PERSONAL.phone}` },
    ];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [...events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })), ...bad] });
    await producer.disconnect();

    const ingest = await tthc([
      'ingest',
      '--brokers',
      requireEnv(KAFKA_BROKERS_ENV),
      '--topic',
      topic,
      '--dlq-topic',
      dlqTopic,
      '--group',
      `personal-${run}`,
      '--until-idle',
      '--idle-ms',
      '1500',
      '--store',
      db.url,
      '--log-level',
      'debug',
    ]);
    expect(ingest.code).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ ingest: { consumed: events.length + bad.length, appended: events.length, deadLettered: bad.length } });
    // The debug log did say what happened to each letter, by field.
    expect(ingest.stderr).toContain('data: unknown field(s) not allowed: applicantName, citizenId, phone, address');

    const topicLetters = await readDeadLetterTopic(kafka, dlqTopic, bad.length, `personal-reader-${run}`);
    const listed = (await runTthc('dlq', 'list', '--store', db.url)).trim().split('\n');
    const letters = listed.map((l) => JSON.parse(l) as { dossierCode: string | null; reason: string; message: string; value: string });
    // In the order of their partitions' batches: sorted, to compare.
    expect(letters.map((l) => [l.reason, l.message.split(':')[0]]).sort()).toEqual([
      ['invalid-event', '(message)'],
      ['invalid-event', 'data'],
      ['invalid-event', 'type'],
      ['invalid-json', '(message)'],
      ['invalid-json', '(message)'],
    ]);
    expect(JSON.parse(letters.find((l) => l.message.startsWith('data:'))?.value ?? '')).toMatchObject({
      data: { applicantName: '[redacted: text of 19 characters]', phone: '[redacted: text of 10 characters]' },
    });

    const dump = pgDump(db.url);
    const places = [
      Readable.from([Buffer.from(ingest.stdout + ingest.stderr)]),
      Readable.from(topicLetters.map((l) => Buffer.from(`${l.value?.toString() ?? ''} ${l.message ?? ''}`))),
      Readable.from([Buffer.from(listed.join('\n'))]),
      dump.stdout,
    ];
    expect(await markersIn(places, MARKERS)).toEqual([]);
    await dump.done;
  });

  it('purges letters past their retention, keeps counting them, and the books still balance', async () => {
    await expect(runTthc('dlq', 'purge', '--store', db.url)).resolves.toMatch(/"letters":0/);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("UPDATE dead_letters SET updated_at = now() - interval '91 days'");
    } finally {
      await client.end();
    }
    const purged = JSON.parse(await runTthc('dlq', 'purge', '--store', db.url)) as { purge: { letters: number } };
    expect(purged.purge.letters).toBe(5);
    await expect(runTthc('dlq', 'list', '--store', db.url)).resolves.toBe('');
    const status = JSON.parse(await runTthc('status', '--format', 'json', '--store', db.url)) as {
      ingest: { balanced: boolean; total: { deadLettered: number } };
      letters: { dead: number; purged: number; byReason: { purged: Record<string, number> } };
    };
    expect(status.ingest).toMatchObject({ balanced: true, total: { deadLettered: 5 } });
    expect(status.letters).toMatchObject({ dead: 0, purged: 5, byReason: { purged: { 'invalid-event': 3, 'invalid-json': 2 } } });
  });
});
