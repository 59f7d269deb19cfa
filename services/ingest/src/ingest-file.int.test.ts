import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgencyRegistry, registryEvent, START_OF_LOG, StoreUnavailableError, type AgencyRegistry, type AnyVersionDossierEvent } from '@tthc/core';
import { demoRegistry, generateDemoDataset } from '@tthc/test-support';
import { createLogger } from '@tthc/logging';
import { openSqliteStores, type SqliteStores } from '@tthc/store-sqlite';
import { ingestFile, NoRegistryError } from './ingest-file';

const logger = createLogger({ level: 'silent' });

function registryOf(file = demoRegistry()): AgencyRegistry {
  const loaded = loadAgencyRegistry(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.registry;
}

describe('ingest from an NDJSON file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-ingest-'));
  let stores: SqliteStores;
  let n = 0;
  beforeEach(() => {
    stores = openSqliteStores(join(dir, `store-${(n += 1)}.sqlite`));
  });
  afterEach(() => stores.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (lines: readonly string[]) => {
    const file = join(dir, `feed-${n}.ndjson`);
    writeFileSync(file, lines.join('\n'));
    return file;
  };
  // null: no registry given, as for a store that has none.
  const ingest = (file: string, registry: AgencyRegistry | null = registryOf()) =>
    ingestFile(file, { eventStore: stores.eventStore, ingestStore: stores.ingestStore, registry: registry ?? undefined }, { logger, batchSize: 7 });
  const { events } = generateDemoDataset({ seed: 3, dossiers: 60, period: { from: '2024-01-01', to: '2024-01-31' } });
  const firstOf = <T extends AnyVersionDossierEvent['type']>(type: T) => {
    const e = events.find((x) => x.type === type);
    if (!e) throw new Error(`no ${type}`);
    return e as Extract<AnyVersionDossierEvent, { type: T }>;
  };

  it('accounts for every line: appended, duplicate, or a dead letter with its reason', async () => {
    const received = firstOf('vn.gov.tthc.dossier.received.v2');
    const processed = firstOf('vn.gov.tthc.dossier.processed.v1');
    const reused = { ...processed, data: { ...processed.data, outcome: processed.data.outcome === 'approved' ? 'refused' : 'approved' } };
    const file = write([
      ...events.map((e) => JSON.stringify(e)),
      JSON.stringify(received), // redelivered
      '{"specversion": "1.0", "id": ', // cut off
      JSON.stringify({ ...received, id: 'another-id', data: { ...received.data, processingAgencyCode: 'SO-Y-TE' } }),
      '',
      JSON.stringify(reused),
    ]);
    const totals = await ingest(file);
    expect(totals).toEqual({ consumed: events.length + 4, appended: events.length, duplicates: 1, deadLettered: 3, parked: 0 });
    const letters = await stores.ingestStore.listLetters();
    expect(letters.map((l) => [l.origin.replace(/#.*/, '').replace(/^.*:/, ''), l.reason])).toEqual([
      [String(events.length + 2), 'invalid-json'],
      [String(events.length + 3), 'invalid-event'],
      [String(events.length + 5), 'duplicate-id-conflict'],
    ]);
    expect(letters[1]?.message).toMatch(/^data\.processingAgencyCode: must be an agency code/);
    // Again: nothing appended, nothing recorded twice; the refused lines are redeliveries of letters already kept.
    await expect(ingest(file)).resolves.toMatchObject({ appended: 0, duplicates: events.length + 4, deadLettered: 0 });
    await expect(stores.ingestStore.listLetters()).resolves.toHaveLength(3);
    await expect(stores.ingestStore.counts()).resolves.toEqual(
      new Map([['file', { consumed: 2 * (events.length + 4), appended: events.length, duplicates: events.length + 5, deadLettered: 3, parked: 0 }]]),
    );
  });

  it('refuses agencies the registry does not know and sources it does not allow', async () => {
    const received = firstOf('vn.gov.tthc.dossier.received.v2');
    const unknown = { ...received, id: 'u-1', subject: 'H36-UNKNOWN-AG1', data: { ...received.data, processingAgencyCode: '000.99.99.H36' } };
    const stranger = { ...received, id: 's-1', subject: 'H36-STRANGER-1', source: 'urn:tthc:other-system' };
    const file = write([JSON.stringify(unknown), JSON.stringify(stranger)]);
    await expect(ingest(file)).resolves.toMatchObject({ appended: 0, deadLettered: 2 });
    const letters = await stores.ingestStore.listLetters();
    expect(letters.map((l) => [l.reason, l.message])).toEqual([
      ['unknown-agency', expect.stringContaining('000.99.99.H36') as string],
      ['unauthorised-source', expect.stringContaining('urn:tthc:other-system') as string],
    ]);
  });

  it('parks a payment that arrives before its dossier is received, and stores it once the receipt comes', async () => {
    const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
    const received = events.find((e) => e.subject === paid.subject && e.type.startsWith('vn.gov.tthc.dossier.received'));
    if (!received) throw new Error('no receipt for the payment');
    await expect(ingest(write([JSON.stringify(paid)]))).resolves.toMatchObject({ appended: 0, parked: 1 });
    await expect(stores.ingestStore.listLetters({ status: 'parked' })).resolves.toMatchObject([{ dossierCode: paid.subject }]);
    await expect(ingest(write([JSON.stringify(received)]))).resolves.toMatchObject({ appended: 2, parked: -1 });
    const stream = await stores.eventStore.readStream(`dossier-${paid.subject}`);
    expect(stream.map((e) => e.id)).toEqual([received.id, paid.id]);
    await expect(stores.ingestStore.listLetters({ status: 'parked' })).resolves.toEqual([]);
    const total = (await stores.ingestStore.counts()).get('file');
    expect(total).toEqual({ consumed: 2, appended: 2, duplicates: 0, deadLettered: 0, parked: 0 });
  });

  it('refuses an event that breaks the lifecycle for good', async () => {
    const received = firstOf('vn.gov.tthc.dossier.received.v2');
    const returned = {
      specversion: '1.0',
      id: 'r-early',
      source: received.source,
      type: 'vn.gov.tthc.dossier.result-returned.v1',
      subject: received.subject,
      time: received.time,
      data: { returnedAt: received.data.receivedAt, channel: 'online' },
    };
    await expect(ingest(write([JSON.stringify(received), JSON.stringify(returned)]))).resolves.toMatchObject({ appended: 1, deadLettered: 1 });
    await expect(stores.ingestStore.listLetters()).resolves.toMatchObject([
      { reason: 'lifecycle-violation', message: expect.stringContaining('not allowed when the dossier is in-progress') as string },
    ]);
  });

  describe('a feed that carries its agency registry', () => {
    const envelope = { id: 'registry-1', source: 'urn:tthc:simulator', subject: 'demo', time: '2024-01-01T00:00:00+07:00' };
    const registryLine = (file = demoRegistry(), id = envelope.id) => JSON.stringify(registryEvent(file, { ...envelope, id }));

    it('adopts the registry line into a store that has none, and checks the events after it against it', async () => {
      const file = write([registryLine(), ...events.map((e) => JSON.stringify(e))]);
      await expect(ingest(file, null)).resolves.toEqual({ consumed: events.length, appended: events.length, duplicates: 0, deadLettered: 0, parked: 0 });
      await expect(stores.ingestStore.loadRegistry()).resolves.toEqual({ version: 1, registry: demoRegistry() });
      // The same feed again: the same registry adds no version.
      await ingest(file, null);
      await expect(stores.ingestStore.loadRegistry()).resolves.toMatchObject({ version: 1 });
    });

    it('switches registries mid-feed: events before a new registry line are checked against the old one', async () => {
      const received = events.filter((e) => e.type === 'vn.gov.tthc.dossier.received.v2').slice(0, 2);
      const [first, second] = received;
      if (!first || !second) throw new Error('need two receipts');
      const narrowed = demoRegistry();
      const system = narrowed.systems[0];
      if (!system) throw new Error('no system');
      const agencyOf = (e: AnyVersionDossierEvent) => (e.type === 'vn.gov.tthc.dossier.received.v2' ? e.data.processingAgencyCode : '');
      system.agencies = system.agencies.filter((a) => a !== agencyOf(second) && a !== agencyOf(first));
      const file = write([registryLine(), JSON.stringify(first), registryLine(narrowed, 'registry-2'), JSON.stringify(second)]);
      await expect(ingest(file, null)).resolves.toMatchObject({ appended: 1, deadLettered: 1 });
      await expect(stores.ingestStore.listLetters()).resolves.toMatchObject([{ reason: 'unauthorised-source' }]);
      await expect(stores.ingestStore.loadRegistry()).resolves.toMatchObject({ version: 2, registry: narrowed });
    });

    it('turns a broken registry line into a dead letter naming its fields, and keeps the registry in force', async () => {
      const broken = demoRegistry();
      broken.agencies[1] = { ...broken.agencies[1]!, parent: '000.99.99.H36' };
      const file = write([registryLine(), registryLine(broken, 'registry-2'), ...events.slice(0, 5).map((e) => JSON.stringify(e))]);
      await expect(ingest(file, null)).resolves.toMatchObject({ consumed: 6, appended: 5, deadLettered: 1 });
      const [letter] = await stores.ingestStore.listLetters();
      expect(letter).toMatchObject({ reason: 'invalid-event', message: expect.stringMatching(/^data\.agencies\.1\.parent/) as string });
      await expect(stores.ingestStore.loadRegistry()).resolves.toMatchObject({ version: 1, registry: demoRegistry() });
    });

    it('stops with a clear error when neither the store nor the feed gives a registry', async () => {
      const file = write(events.slice(0, 3).map((e) => JSON.stringify(e)));
      await expect(ingest(file, null)).rejects.toThrow(NoRegistryError);
      await expect(ingest(file, null)).rejects.toThrow(/no agency registry .* import one with `tthc registry import FILE`/);
    });
  });

  describe('a store that is unavailable now and then (locked by another writer, as a projector beside it does)', () => {
    /** The store's methods, each failing unavailable on every third call, before it touches the database. */
    function flaky<T extends object>(target: T): T {
      let calls = 0;
      return new Proxy(target, {
        get(object, name, receiver) {
          const value: unknown = Reflect.get(object, name, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls += 1;
            if (calls % 3 === 0) return Promise.reject(new StoreUnavailableError('SQLite unavailable: database is locked (SQLITE_BUSY)'));
            return (value as (...a: unknown[]) => unknown).apply(object, args);
          };
        },
      });
    }

    it('stores every event once and counts each as appended, none as a duplicate of itself', async () => {
      const bad = '{"specversion":"1.0","id":';
      const file = write([...events.map((e) => JSON.stringify(e)), bad]);
      const flakyCtx = { eventStore: flaky(stores.eventStore), ingestStore: flaky(stores.ingestStore), registry: registryOf() };
      const totals = await ingestFile(file, flakyCtx, { logger, batchSize: 7, retryDelays: { initialDelayMs: 1, maxDelayMs: 1 } });
      expect(totals).toEqual({ consumed: events.length + 1, appended: events.length, duplicates: 0, deadLettered: 1, parked: 0 });
      await expect(stores.ingestStore.counts()).resolves.toEqual(new Map([['file', totals]]));
      await expect(stores.ingestStore.listLetters()).resolves.toHaveLength(1);
      const stored = await stores.eventStore.readAll({ after: START_OF_LOG, limit: 1_000_000 });
      expect(stored.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    });
  });
});
