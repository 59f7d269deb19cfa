import { randomBytes } from 'node:crypto';
import type { Admin, Consumer } from 'kafkajs';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { parseKafkaEvent, validateDossierEvent, type AnyVersionDossierEvent } from '@tthc/core';
import { createKafka } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { KAFKA_BROKERS_ENV, requireEnv } from '@tthc/test-support';
import { buildDossierEvent, InvalidEventError } from './envelope';
import { reportDossier } from './examples/one-stop-shop';
import { createPublisher, PublishFailedError, type DossierPublisher } from './publisher';
import { METHODS, SAMPLE_DATA, uuidv7Millis } from './test-data/histories';

interface Consumed {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | undefined;
  readonly value: string;
  readonly headers: Record<string, string | undefined>;
}

/**
 * The SDK on a real broker: each test's events are read back from the topic by a kafkajs consumer,
 * so what is checked is what the ingest service would receive.
 */
describe('publisher on a Kafka broker', () => {
  const run = randomBytes(4).toString('hex').toUpperCase();
  const topic = `tthc.publisher-e2e.${run.toLowerCase()}`;
  const source = 'urn:tthc:e2e-motcua';
  const logger = createLogger({ level: 'error' });
  const code = (name: string) => `E2E-${run}-${name}`;
  const consumed: Consumed[] = [];
  let brokers: string[];
  let admin: Admin;
  let consumer: Consumer;
  let publisher: DossierPublisher;

  const messagesOf = (key: string) => consumed.filter((m) => m.key === key).sort((a, b) => (a.offset < b.offset ? -1 : 1));
  async function waitFor(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (consumed ${consumed.length} messages)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  /** Waits for the key's messages, then returns them in partition order. */
  async function readBack(key: string, count: number): Promise<Consumed[]> {
    await waitFor(`${count} message(s) keyed ${key}`, () => messagesOf(key).length >= count);
    return messagesOf(key);
  }
  const bodyOf = (m: Consumed) => JSON.parse(m.value) as AnyVersionDossierEvent;

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV).split(',');
    const kafka = createKafka({ brokers, clientId: `publisher-e2e-${run}`, logger });
    admin = kafka.admin();
    await admin.connect();
    // Several partitions, so that "one dossier, one partition, in order" means something.
    await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
    consumer = kafka.consumer({ groupId: `publisher-e2e-${run}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString()]));
        consumed.push({ partition, offset: BigInt(message.offset), key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    publisher = await createPublisher({ brokers, topic, source, logger });
  });

  afterAll(async () => {
    await publisher.disconnect();
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('sends one valid message per typed method, keyed by the dossier code, with its headers and time-ordered UUIDv7 ids', async () => {
    const start = Date.now();
    const d = SAMPLE_DATA;
    const a = code('A');
    const b = code('B');
    const c = code('C');
    const h = code('D');
    const r = code('E');
    // Five dossiers whose histories together use every method.
    const sent: AnyVersionDossierEvent[] = [
      await publisher.received(a, d.received),
      await publisher.received(b, d.received),
      await publisher.supplementRequested(a, d.supplementRequested),
      await publisher.received(c, d.received),
      await publisher.supplementReceived(a, d.supplementReceived),
      await publisher.withdrawn(b, d.withdrawn),
      await publisher.financialObligationRequested(a, d.financialObligationRequested),
      await publisher.received(h, d.received),
      await publisher.paidOnline(a, d.paidOnline),
      await publisher.processingStopped(c, d.processingStopped),
      await publisher.handedBack(h, d.handedBack),
      await publisher.refusedAtReception(r, d.refusedAtReception),
      await publisher.apologyIssued(a, d.apologyIssued),
      await publisher.processed(a, d.processed),
      await publisher.resultReturned(a, d.resultReturned, { time: '2024-04-02T08:31:00+07:00' }),
    ];
    const end = Date.now();

    // Every method, each envelope as the SDK promised.
    expect(new Set(sent.map((e) => e.type))).toEqual(new Set(METHODS.map((m) => buildDossierEvent(m, a, d[m], { source }).type)));
    expect(sent.every((e) => e.source === source)).toBe(true);
    expect(sent[0]!.time).toBe(d.received.receivedAt);
    expect(sent.at(-1)!.time).toBe('2024-04-02T08:31:00+07:00');
    // Ids: UUIDv7, made during the test, increasing in the order sent.
    const ids = sent.map((e) => e.id);
    expect(ids.every((id) => isUuid(id) && uuidVersion(id) === 7)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => uuidv7Millis(id) >= start && uuidv7Millis(id) <= end)).toBe(true);

    for (const dossier of [a, b, c, h, r]) {
      const mine = sent.filter((e) => e.subject === dossier);
      const back = await readBack(dossier, mine.length);
      expect(back).toHaveLength(mine.length);
      // One dossier, one partition, in the order sent.
      expect(new Set(back.map((m) => m.partition)).size).toBe(1);
      expect(back.map((m) => bodyOf(m).id)).toEqual(mine.map((e) => e.id));
      for (const [i, message] of back.entries()) {
        const validation = validateDossierEvent(JSON.parse(message.value));
        expect(validation.ok).toBe(true);
        expect(bodyOf(message)).toEqual(mine[i]);
        expect(message.key).toBe(dossier);
        expect(message.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=UTF-8' });
      }
    }
  });

  it('keeps call order for events sent without waiting for each other', async () => {
    const dossier = code('F');
    const calls: Promise<AnyVersionDossierEvent>[] = [publisher.received(dossier, SAMPLE_DATA.received)];
    for (let i = 0; i < 30; i += 1) {
      calls.push(publisher.paidOnline(dossier, { ...SAMPLE_DATA.paidOnline, transactionId: `PAY-${i}`, amountVnd: 1000 + i }));
    }
    const sent = await Promise.all(calls);
    expect([...sent.map((e) => e.id)].sort()).toEqual(sent.map((e) => e.id));

    const back = await readBack(dossier, sent.length);
    expect(new Set(back.map((m) => m.partition)).size).toBe(1);
    expect(back.map((m) => bodyOf(m).id)).toEqual(sent.map((e) => e.id));
  });

  it('refuses an invalid event before sending, naming the field and the rule, and sends nothing', async () => {
    const dossier = code('G');
    const badAgency = publisher.received(dossier, { ...SAMPLE_DATA.received, processingAgencyCode: 'UBND xã' });
    await expect(badAgency).rejects.toThrow(InvalidEventError);
    await expect(badAgency).rejects.toMatchObject({
      problems: [{ field: 'data.processingAgencyCode', rule: 'must be an agency code such as 000.00.00.H36' }],
      message: 'invalid vn.gov.tthc.dossier.received.v2 event: data.processingAgencyCode: must be an agency code such as 000.00.00.H36',
    });
    const withName = { ...SAMPLE_DATA.withdrawn, applicantName: 'Trần Thị B' };
    await expect(publisher.withdrawn(dossier, withName)).rejects.toMatchObject({
      name: 'InvalidEventError',
      detail: 'data: unknown field(s) not allowed: applicantName',
    });
    await expect(publisher.processed(dossier, SAMPLE_DATA.processed, { time: 'yesterday' })).rejects.toMatchObject({
      problems: [{ field: 'time' }],
    });
    // publish(): one invalid envelope in a batch, and not even the valid one goes.
    const valid = buildDossierEvent('received', dossier, SAMPLE_DATA.received, { source });
    const batch = publisher.publish([valid, { ...valid, id: '', subject: dossier }]);
    await expect(batch).rejects.toMatchObject({ name: 'InvalidEventError', index: 1, problems: [{ field: 'id' }] });

    // A valid event of the same dossier follows on its partition: anything sent before it is read first.
    const sentinel = await publisher.received(dossier, SAMPLE_DATA.received);
    const back = await readBack(dossier, 1);
    expect(back.map((m) => bodyOf(m).id)).toEqual([sentinel.id]);
  });

  it('publishes already-built envelopes as one batch, keeping their ids (the tthc publish path)', async () => {
    const dossier = code('H');
    const built = [
      buildDossierEvent('received', dossier, SAMPLE_DATA.received, { source }),
      buildDossierEvent('processed', dossier, SAMPLE_DATA.processed, { source }),
      buildDossierEvent('resultReturned', dossier, SAMPLE_DATA.resultReturned, { source }),
    ];
    await publisher.publish(built);
    const back = await readBack(dossier, built.length);
    expect(back.map(bodyOf)).toEqual(built);
    expect(back.map((m) => m.headers['content-type'])).toEqual(built.map(() => 'application/cloudevents+json; charset=UTF-8'));
  });

  it("sends in CloudEvents' binary content mode when asked: data as the value, each attribute a ce_ header, read back as the same event", async () => {
    const binary = await createPublisher({ brokers, topic, source, logger, contentMode: 'binary' });
    try {
      expect(binary.config.contentMode).toBe('binary');
      const dossier = code('BINARY');
      const sent = [await binary.received(dossier, SAMPLE_DATA.received), await binary.paidOnline(dossier, SAMPLE_DATA.paidOnline)];
      const back = await readBack(dossier, sent.length);
      for (const [i, message] of back.entries()) {
        const event = sent[i]!;
        expect(JSON.parse(message.value)).toEqual(event.data);
        expect(message.headers).toEqual({
          'content-type': 'application/json',
          ce_specversion: '1.0',
          ce_id: event.id,
          ce_source: source,
          ce_type: event.type,
          ce_subject: dossier,
          ce_time: event.time,
        });
        expect(parseKafkaEvent(message.value, message.headers)).toMatchObject({
          ok: true,
          mode: 'binary',
          event: { ...event, datacontenttype: 'application/json' },
        });
      }
    } finally {
      await binary.disconnect();
    }
  });

  it('hands back the envelope when the broker does not take it, to resend with the same id', async () => {
    const closed = await createPublisher({ brokers, topic, source, logger });
    await closed.disconnect();
    const dossier = code('I');
    const failure: unknown = await closed.withdrawn(dossier, SAMPLE_DATA.withdrawn).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishFailedError);
    const { event } = failure as PublishFailedError;
    expect(event).toMatchObject({ subject: dossier, type: 'vn.gov.tthc.dossier.withdrawn.v1' });

    await publisher.publish([event]);
    const back = await readBack(dossier, 1);
    expect(back.map(bodyOf)).toEqual([event]);
  });

  it('runs the README example', async () => {
    const ids = await reportDossier({ brokers, topic, logger });
    expect(ids).toHaveLength(4);
    expect([...ids].sort()).toEqual(ids);
    const idOf = (m: Consumed) => bodyOf(m).id;
    await waitFor('the example events', () => ids.every((id) => consumed.some((m) => idOf(m) === id)));
    const back = consumed.filter((m) => ids.includes(idOf(m)));
    expect(new Set(back.map((m) => m.key))).toEqual(new Set(['H36.01-240315-0001']));
    expect(back.map((m) => bodyOf(m).type)).toEqual([
      'vn.gov.tthc.dossier.received.v2',
      'vn.gov.tthc.dossier.paid-online.v1',
      'vn.gov.tthc.dossier.processed.v1',
      'vn.gov.tthc.dossier.result-returned.v1',
    ]);
  });
});
