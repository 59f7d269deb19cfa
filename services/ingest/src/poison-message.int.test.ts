import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgencyRegistry, type AgencyRegistry, type AnyVersionDossierEvent, type EventStore, type IngestCounts, type IngestStore } from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { openPostgresStores } from '@tthc/store-postgres';
import { openDatabase, openSqliteStores } from '@tthc/store-sqlite';
import { createTestDatabase, demoRegistry, generateDemoDataset } from '@tthc/test-support';
import { ingestBatch, type IncomingMessage } from './ingest-batch';
import { ingestFile } from './ingest-file';

const logger = createLogger({ level: 'silent' });

function registryOf(file = demoRegistry()): AgencyRegistry {
  const loaded = loadAgencyRegistry(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.registry;
}

/** A store under test, with a way to make its own database refuse one event as a server would. */
interface Harness {
  readonly eventStore: EventStore;
  readonly ingestStore: IngestStore;
  /** Installs a trigger in the database that refuses the insert of this event id with 'refused for the test'. */
  refuse(eventId: string): Promise<void>;
  /** How the store words that refusal in the letter. */
  readonly refusal: string;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'tthc-poison-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const quoted = (id: string) => `'${id.replace(/'/g, "''")}'`;

const harnesses: [string, () => Promise<Harness>][] = [
  [
    'SQLite',
    () => {
      const path = join(dir, `store-${(n += 1)}.sqlite`);
      const stores = openSqliteStores(path);
      return Promise.resolve({
        eventStore: stores.eventStore,
        ingestStore: stores.ingestStore,
        refusal: 'SQLite refused the data: refused for the test (SQLITE_CONSTRAINT_TRIGGER)',
        refuse: (eventId) => {
          // A second connection to the migrated file; the store's own connection sees the new schema.
          const { db } = openDatabase(path);
          try {
            db.exec(
              `CREATE TRIGGER refuse_one BEFORE INSERT ON events WHEN NEW.event_id = ${quoted(eventId)} BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;`,
            );
          } finally {
            db.close();
          }
          return Promise.resolve();
        },
        close: () => stores.close(),
      });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase();
      const stores = await openPostgresStores(db.url, { poolSize: 4 });
      return {
        eventStore: stores.eventStore,
        ingestStore: stores.ingestStore,
        refusal: 'PostgreSQL refused the data: refused for the test (SQLSTATE P0001)',
        refuse: async (eventId) => {
          await stores.pool.query(`CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.event_id = ${quoted(eventId)} THEN
                RAISE EXCEPTION 'refused for the test';
              END IF;
              RETURN NEW;
            END $$`);
          await stores.pool.query('CREATE TRIGGER refuse_one BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_one()');
        },
        close: async () => {
          await stores.close();
          await db.drop();
        },
      };
    },
  ],
];

const { events } = generateDemoDataset({ seed: 5, dossiers: 40, period: { from: '2024-02-01', to: '2024-02-29' } });
const firstOf = <T extends AnyVersionDossierEvent['type']>(type: T) => {
  const e = events.find((x) => x.type === type);
  if (!e) throw new Error(`no ${type}`);
  return e as Extract<AnyVersionDossierEvent, { type: T }>;
};

const sum = (c: IngestCounts) => c.appended + c.duplicates + c.deadLettered + c.parked;
const loggedIds = async (eventStore: EventStore) => (await eventStore.readAll({ limit: 100_000 })).map((e) => e.id);

describe.each(harnesses)('poison messages on %s', (_name, open) => {
  let store: Harness;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(() => store.close());

  it('dead-letters NUL, control characters, lone surrogates and invalid UTF-8 between good lines, naming field and code point, and stores every good line once', async () => {
    const received = firstOf('vn.gov.tthc.dossier.received.v2');
    const processed = firstOf('vn.gov.tthc.dossier.processed.v1');
    // Written with JSON escapes: the file is plain ASCII, the parsed strings hold the characters.
    const nul = JSON.stringify({ ...received, id: 'poison-nul', subject: `${received.subject}\u0000` });
    const bell = JSON.stringify({ ...processed, id: 'poison-bel', source: `${processed.source}\u0007` });
    const surrogate = JSON.stringify({ ...received, id: 'poison-\ud800' });
    expect([nul, bell, surrogate].map((line) => /\\u(0000|0007|d800)/.exec(line)?.[0])).toEqual(['\\u0000', '\\u0007', '\\ud800']);
    // A raw byte 0xC3 followed by '(' (not a continuation byte) inside the id string.
    const [head, tail] = JSON.stringify({ ...received, id: 'poison-utf8-@@' }).split('@@');
    const rawUtf8 = Buffer.concat([Buffer.from(head ?? '', 'utf8'), Buffer.from([0xc3, 0x28]), Buffer.from(tail ?? '', 'utf8')]);
    const utf8Offset = Buffer.byteLength(head ?? '', 'utf8');

    const good = events.map((e) => Buffer.from(JSON.stringify(e), 'utf8'));
    const quarter = Math.floor(good.length / 4);
    const poison = [Buffer.from(nul), Buffer.from(bell), Buffer.from(surrogate), rawUtf8];
    const lines: Buffer[] = [];
    good.forEach((line, i) => {
      if (i > 0 && i % quarter === 0 && i / quarter <= poison.length) lines.push(poison[i / quarter - 1]!);
      lines.push(line);
    });
    expect(lines).toHaveLength(good.length + 4);
    const lineOf = (bytes: Buffer) => lines.indexOf(bytes) + 1;
    const file = join(dir, `feed-${n}.ndjson`);
    writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));

    const ingest = () => ingestFile(file, { eventStore: store.eventStore, ingestStore: store.ingestStore, registry: registryOf() }, { logger, batchSize: 7 });
    const first = await ingest();
    expect(first).toEqual({ consumed: events.length + 4, appended: events.length, duplicates: 0, deadLettered: 4, parked: 0 });
    expect(sum(first)).toBe(first.consumed);

    const letters = await store.ingestStore.listLetters({ status: 'dead' });
    const byLine = new Map(letters.map((l) => [Number(/:(\d+)#/.exec(l.origin)?.[1]), l]));
    expect(byLine.get(lineOf(poison[0]!))).toMatchObject({
      reason: 'invalid-event',
      message: expect.stringMatching(/^subject: must not contain U\+0000 \(NUL\)/) as string,
    });
    expect(byLine.get(lineOf(poison[1]!))).toMatchObject({
      reason: 'invalid-event',
      message: expect.stringMatching(/^source: must not contain U\+0007 \(a control character\)/) as string,
    });
    expect(byLine.get(lineOf(poison[2]!))).toMatchObject({
      reason: 'invalid-event',
      message: expect.stringMatching(/^id: must not contain U\+D800 \(a lone UTF-16 surrogate\)/) as string,
    });
    expect(byLine.get(lineOf(rawUtf8))).toMatchObject({
      reason: 'invalid-encoding',
      message: `(message): must be UTF-8 text: byte 0xC3 at offset ${utf8Offset} is not valid UTF-8`,
    });
    expect(letters).toHaveLength(4);
    // A letter of an event keeps its bytes verbatim, the escaped NUL included, for an operator to inspect and
    // redrive; bytes that are not UTF-8 were never read, and may hold anything: their size and digest only.
    for (const bytes of poison.slice(0, 3)) expect(Buffer.from(byLine.get(lineOf(bytes))?.value ?? []).equals(bytes)).toBe(true);
    expect(Buffer.from(byLine.get(lineOf(rawUtf8))?.value ?? []).toString()).toMatch(
      new RegExp(`^\\[redacted: ${rawUtf8.length} bytes that were not read; sha256 [0-9a-f]{16}…\\]$`),
    );

    const ids = await loggedIds(store.eventStore);
    expect(ids).toHaveLength(events.length);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
    await expect(store.ingestStore.counts()).resolves.toEqual(new Map([['file', first]]));

    // The same file again: nothing appended, every line (good or poison) recognised as a duplicate.
    const second = await ingest();
    expect(second).toEqual({ consumed: events.length + 4, appended: 0, duplicates: events.length + 4, deadLettered: 0, parked: 0 });
    await expect(loggedIds(store.eventStore)).resolves.toHaveLength(events.length);
    await expect(store.ingestStore.listLetters()).resolves.toHaveLength(4);
    const total = (await store.ingestStore.counts()).get('file');
    expect(total).toEqual({ consumed: 2 * (events.length + 4), appended: events.length, duplicates: events.length + 4, deadLettered: 4, parked: 0 });
    expect(sum(total!)).toBe(total!.consumed);
  });

  it('isolates an event the database itself refuses: a store-rejected letter with the server words, every other event of the batch appended', async () => {
    // Whole dossiers, in the dataset's order; the refused event is the last of its dossier, so nothing waits for it.
    const codes = [...new Set(events.map((e) => e.subject))].slice(0, 12);
    const batchEvents = events.filter((e) => codes.includes(e.subject));
    const lastOfDossier = batchEvents.filter((e, i) => !batchEvents.slice(i + 1).some((later) => later.subject === e.subject));
    const refused = lastOfDossier[Math.floor(lastOfDossier.length / 2)]!;
    const refusedAt = batchEvents.indexOf(refused);
    expect(refusedAt).toBeGreaterThan(0);
    expect(refusedAt).toBeLessThan(batchEvents.length - 1);
    await store.refuse(refused.id);

    const messages: IncomingMessage[] = batchEvents.map((e, i) => ({ key: e.subject, value: Buffer.from(JSON.stringify(e)), origin: `poison/0@${i}` }));
    const refusedOrigin = `poison/0@${refusedAt}`;
    const result = await ingestBatch(
      { eventStore: store.eventStore, ingestStore: store.ingestStore, registry: registryOf(), source: 'kafka:poison' },
      messages,
    );

    expect(result.outcomes.size).toBe(messages.length);
    for (const m of messages) expect([m.origin, result.outcomes.get(m.origin)]).toEqual([m.origin, m.origin === refusedOrigin ? 'dead' : 'appended']);
    expect(result.counts).toEqual({ consumed: messages.length, appended: messages.length - 1, duplicates: 0, deadLettered: 1, parked: 0 });
    expect(result.deadLetters).toMatchObject([{ origin: refusedOrigin, reason: 'store-rejected' }]);

    const letters = await store.ingestStore.listLetters({ status: 'dead' });
    expect(letters).toMatchObject([
      { origin: refusedOrigin, reason: 'store-rejected', dossierCode: refused.subject, key: refused.subject, message: store.refusal },
    ]);
    expect(Buffer.from(letters[0]!.value).toString('utf8')).toBe(JSON.stringify(refused));

    const ids = await loggedIds(store.eventStore);
    expect(ids).toHaveLength(batchEvents.length - 1);
    expect(new Set(ids)).toEqual(new Set(batchEvents.filter((e) => e !== refused).map((e) => e.id)));
    expect(ids).not.toContain(refused.id);
    const total = (await store.ingestStore.counts()).get('kafka:poison');
    expect(total).toEqual(result.counts);
    expect(sum(total!)).toBe(total!.consumed);
  });
});
