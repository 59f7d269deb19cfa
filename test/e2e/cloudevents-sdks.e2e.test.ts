import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CloudEvent, Kafka as CloudEventsKafka } from 'cloudevents';
import type { Admin, IHeaders, Producer } from 'kafkajs';
import type { AnyVersionDossierEvent, DailyCountsReport, RecordedEvent } from '@tthc/core';
import { createKafka } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { openStores } from '@tthc/stores';
import { demoRegistry, generateDemoDataset, KAFKA_BROKERS_ENV, readDeadLetterTopic, requireEnv, runTthc, runTthcProcess } from '@tthc/test-support';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const JAVA_CLIENT = join(ROOT, 'test/clients/java');

type Mode = 'structured' | 'binary';

/**
 * A message as the `cloudevents` npm package's Kafka binding makes it, sent as its README shows, with
 * kafkajs: the binding gives key, value and headers; binary mode's value is `data` itself, which the
 * client must turn into bytes, and attributes the event does not have come as headers with no value.
 */
function sdkMessage(event: AnyVersionDossierEvent, mode: Mode, extensions: Record<string, string> = { partitionkey: event.subject }) {
  const cloudEvent = new CloudEvent<unknown>({ ...event, datacontenttype: 'application/json', ...extensions });
  const message = mode === 'binary' ? CloudEventsKafka.binary(cloudEvent) : CloudEventsKafka.structured(cloudEvent);
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers)) if (typeof value === 'string') headers[name] = value;
  return { key: message.key, value: typeof message.value === 'string' ? message.value : JSON.stringify(message.value), headers };
}

/**
 * Events sent by clients no one here wrote: the official CloudEvents SDKs for JavaScript (`cloudevents`
 * on npm, its Kafka binding) and Java (`io.cloudevents:cloudevents-kafka`, run from Maven Central's
 * jars), each in both of the Kafka binding's content modes. Each sender's events go to a topic and a
 * store of their own; every event must be stored once, and the report over each store must be the
 * report over the same events sent by our own publisher.
 */
describe('events from the official CloudEvents SDKs, in both Kafka content modes (issue #23)', () => {
  const period = { from: '2024-01-01', to: '2024-03-31' };
  const dataset = generateDemoDataset({ seed: 23, dossiers: 200, period });
  const ids = dataset.events.map((e) => e.id).sort();
  const runId = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'tthc-cloudevents-'));
  const feed = join(dir, 'feed.ndjson');
  const registryFile = join(dir, 'registry.json');
  const logger = createLogger({ level: 'error' });
  let brokers: string;
  let admin: Admin;
  let producer: Producer;
  let javaLibs: string;
  const javaClasses = join(dir, 'java-classes');

  const sendWithJsSdk = async (topic: string, mode: Mode) => {
    await producer.send({ topic, acks: -1, messages: dataset.events.map((e) => sdkMessage(e, mode)) });
    return dataset.events.length;
  };
  const sendWithJavaSdk = async (topic: string, mode: Mode) => {
    // Compiled once in beforeAll; quicker start-up flags for a short-lived program (the SDK's code is the same).
    const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', `${javaLibs}/*:${javaClasses}`];
    const { stdout } = await run('java', [...jvm, 'CloudEventsSend', brokers, topic, mode, feed], { timeout: 120_000 });
    const sent = /^sent (\d+) (\w+)$/m.exec(stdout);
    expect(sent?.[2]).toBe(mode);
    return Number(sent?.[1]);
  };
  const publishWithTthc = async (topic: string, mode: Mode) =>
    (JSON.parse(await runTthc('publish', feed, '--brokers', brokers, '--topic', topic, '--content-mode', mode)) as { published: number }).published;

  const senders: Record<string, (topic: string) => Promise<number>> = {
    'tthc publish (structured)': (topic) => publishWithTthc(topic, 'structured'),
    'tthc publish --content-mode binary': (topic) => publishWithTthc(topic, 'binary'),
    'cloudevents (npm), binary': (topic) => sendWithJsSdk(topic, 'binary'),
    'cloudevents (npm), structured': (topic) => sendWithJsSdk(topic, 'structured'),
    'cloudevents-kafka (Java), binary': (topic) => sendWithJavaSdk(topic, 'binary'),
    'cloudevents-kafka (Java), structured': (topic) => sendWithJavaSdk(topic, 'structured'),
  };
  const BASELINE = 'tthc publish (structured)';

  interface Outcome {
    readonly sent: number;
    readonly ingest: Record<string, number>;
    readonly report: Omit<DailyCountsReport, 'asOf'>;
    readonly stored: readonly RecordedEvent[];
    /** The first message on the topic, as the sender wrote it. */
    readonly first: { readonly key: string | undefined; readonly value: string; readonly headers: Record<string, string> };
  }
  const outcomes = new Map<string, Outcome>();

  async function firstMessageOf(topic: string): Promise<Outcome['first']> {
    const consumer = createKafka({ brokers: brokers.split(','), clientId: `cloudevents-peek-${runId}`, logger }).consumer({
      groupId: `cloudevents-peek-${runId}-${topic}`,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      return await new Promise((resolve) => {
        void consumer.run({
          eachMessage: ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            resolve({ key: message.key?.toString(), value: message.value?.toString() ?? '', headers });
            return Promise.resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
  }

  /** `tthc ingest` from a topic into a store, as an operator runs it: a process of its own, until the topic is drained. */
  const ingestFromKafka = async (topic: string, store: string, group: string, ...more: string[]) =>
    (
      JSON.parse(
        await runTthcProcess(
          'ingest',
          '--brokers',
          brokers,
          '--topic',
          topic,
          '--group',
          group,
          '--until-idle',
          '--idle-ms',
          '1500',
          '--store',
          store,
          ...more,
        ),
      ) as { ingest: Record<string, number> }
    ).ingest;

  /** One sender's way: its topic, its store, ingest from Kafka as an operator runs it, projection and report. */
  async function throughThePipeline(name: string, send: (topic: string) => Promise<number>, n: number): Promise<void> {
    const topic = `tthc.cloudevents-${runId}-${n}`;
    const store = `sqlite:${join(dir, `store-${n}.sqlite`)}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    const sent = await send(topic);
    await runTthc('registry', 'import', registryFile, '--store', store);
    const ingested = await ingestFromKafka(topic, store, `cloudevents-${runId}-${n}`);
    await runTthc('project', '--until-caught-up', '--store', store);
    const { asOf: _asOf, ...report } = JSON.parse(
      await runTthc('report', '--from', period.from, '--to', period.to, '--format', 'json', '--by', 'agency', '--store', store),
    ) as DailyCountsReport;
    const stores = await openStores({ kind: 'sqlite', path: store.slice('sqlite:'.length) });
    let stored: RecordedEvent[];
    try {
      stored = await stores.eventStore.readAll({ limit: 1_000_000 });
    } finally {
      await stores.close();
    }
    outcomes.set(name, { sent, ingest: ingested, report, stored, first: await firstMessageOf(topic) });
  }

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    writeFileSync(feed, dataset.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(registryFile, JSON.stringify(demoRegistry()));
    javaLibs = (await run('bash', [join(JAVA_CLIENT, 'fetch.sh')], { timeout: 300_000 })).stdout.trim();
    await run('javac', ['-nowarn', '-cp', `${javaLibs}/*`, '-d', javaClasses, join(JAVA_CLIENT, 'CloudEventsSend.java')], { timeout: 120_000 });
    const kafka = createKafka({ brokers: brokers.split(','), clientId: `cloudevents-e2e-${runId}`, logger });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), producer.connect()]);
    // Each way on its own topic and store, side by side: the ingest processes run at once.
    await Promise.all(Object.entries(senders).map(([name, send], n) => throughThePipeline(name, send, n)));
  }, 240_000);

  afterAll(async () => {
    await producer.disconnect();
    const letters = `tthc.cloudevents-${runId}-letters`;
    await admin
      .deleteTopics({ topics: [...Object.keys(senders).map((_, n) => `tthc.cloudevents-${runId}-${n}`), letters, `${letters}.dlq`] })
      .catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has each SDK write the content mode asked for, as the binding says', () => {
    for (const [name, { first }] of outcomes) {
      const binary = name.includes('binary');
      expect([name, first.headers['content-type']?.toLowerCase()]).toEqual([
        name,
        binary ? 'application/json' : expect.stringMatching(/^application\/cloudevents\+json/),
      ]);
      // Binary: the value is data alone and each attribute a ce_ header; structured: the whole envelope, no ce_ header.
      const value = JSON.parse(first.value) as Record<string, unknown>;
      expect([name, 'specversion' in value, first.headers.ce_specversion]).toEqual([name, !binary, binary ? '1.0' : undefined]);
      expect([name, first.key]).toEqual([name, binary ? first.headers.ce_subject : value.subject]);
    }
    // The SDKs add the partitioning extension; the JavaScript SDK's structured output rewrites time to UTC with milliseconds.
    expect(outcomes.get('cloudevents-kafka (Java), binary')?.first.headers.ce_partitionkey).toMatch(/^H36-/);
    expect(JSON.parse(outcomes.get('cloudevents (npm), structured')?.first.value ?? '{}')).toMatchObject({
      partitionkey: expect.stringMatching(/^H36-/) as string,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
    });
  });

  it('stores every event once, whatever sent it and in whichever mode', () => {
    expect(outcomes.size).toBe(Object.keys(senders).length);
    for (const [name, outcome] of outcomes) {
      const n = dataset.events.length;
      expect([name, outcome.sent]).toEqual([name, n]);
      expect([name, outcome.ingest]).toEqual([name, { consumed: n, appended: n, duplicates: 0, deadLettered: 0, parked: 0 }]);
      expect([name, outcome.stored.map((e) => e.id).sort()]).toEqual([name, ids]);
    }
  });

  it('keeps the same event, whatever sent it: the same data, the same instants, the business times in data as sent', () => {
    const byId = new Map(dataset.events.map((e) => [e.id, e]));
    for (const [name, { stored }] of outcomes) {
      for (const event of stored) {
        const sent = byId.get(event.id)!;
        expect([name, event.type, event.data]).toEqual([name, sent.type, sent.data]);
        expect([name, event.metadata.subject, event.metadata.source]).toEqual([name, sent.subject, sent.source]);
        expect([name, Date.parse(String(event.metadata.time))]).toEqual([name, Date.parse(sent.time)]);
        expect(event.streamId).toBe(`dossier-${sent.subject}`);
      }
    }
  });

  it('dead-letters what an SDK sends wrong, naming the header, with the original value and headers kept; keeps a trace as metadata', async () => {
    const topic = `tthc.cloudevents-${runId}-letters`;
    const dlqTopic = `${topic}.dlq`;
    const store = `sqlite:${join(dir, 'store-letters.sqlite')}`;
    await admin.createTopics({ topics: [{ topic }, { topic: dlqTopic }], waitForLeaders: true });
    const [first, second, third] = dataset.events.filter((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await producer.send({
      topic,
      messages: [
        sdkMessage(first!, 'binary', { partitionkey: first!.subject, traceparent }),
        sdkMessage(second!, 'binary', { partitionkey: second!.subject, applicantname: 'Nguyễn Văn A' }),
        sdkMessage(third!, 'binary', { partitionkey: first!.subject }),
      ],
    });
    await runTthc('registry', 'import', registryFile, '--store', store);
    const ingested = await ingestFromKafka(topic, store, `cloudevents-${runId}-letters`, '--dlq-topic', dlqTopic);
    const inSentOrder = (a: string | undefined, b: string | undefined) =>
      dataset.events.findIndex((e) => e.id === a) - dataset.events.findIndex((e) => e.id === b);
    expect(ingested).toEqual({ consumed: 3, appended: 1, duplicates: 0, deadLettered: 2, parked: 0 });

    const letters = (await runTthc('dlq', 'list', '--store', store))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { reason: string; message: string; value: string; headers: Record<string, string> })
      // The dossiers' partitions are consumed side by side: the letters in the order of their events.
      .sort((a, b) => inSentOrder(a.headers.ce_id, b.headers.ce_id));
    expect(letters.map((l) => [l.reason, l.message])).toEqual([
      ['invalid-event', '(headers): unknown attribute header(s) not allowed: ce_applicantname'],
      ['invalid-event', `ce_partitionkey (header): must equal subject (${third!.subject}), the dossier code`],
    ]);
    // The value and the headers the pipeline reads are kept as sent; an unknown header keeps its name, not its value.
    expect(JSON.parse(letters[0]!.value)).toEqual(second!.data);
    expect(letters[0]!.headers).toMatchObject({
      ce_id: second!.id,
      ce_type: second!.type,
      'content-type': 'application/json',
      ce_applicantname: '[redacted: text of 12 characters]',
    });
    expect(JSON.stringify(letters)).not.toContain('Nguyễn');

    const onTopic = await readDeadLetterTopic(
      createKafka({ brokers: brokers.split(','), clientId: `cloudevents-dlq-${runId}`, logger }),
      dlqTopic,
      2,
      `cloudevents-dlq-${runId}`,
    );
    expect(onTopic.map((l) => [l.reason, l.headers.ce_id, l.headers.ce_subject]).sort((a, b) => inSentOrder(a[1], b[1]))).toEqual([
      ['invalid-event', second!.id, second!.subject],
      ['invalid-event', third!.id, third!.subject],
    ]);

    const stores = await openStores({ kind: 'sqlite', path: store.slice('sqlite:'.length) });
    try {
      const [stored] = await stores.eventStore.readAll({ limit: 10 });
      expect(stored).toMatchObject({ id: first!.id, metadata: { traceparent } });
    } finally {
      await stores.close();
    }
  });

  it('reports the same figures over every SDK and mode as over the events our own publisher sent', () => {
    const baseline = outcomes.get(BASELINE)!.report;
    expect(baseline.total.received).toBe(dataset.expected.total.received);
    expect(baseline.total.onlinePayments).toEqual({ count: dataset.expected.total.paidOnlineCount, amount: dataset.expected.total.paidOnlineAmount });
    for (const [name, { report }] of outcomes) expect([name, report]).toEqual([name, baseline]);
  });
});
