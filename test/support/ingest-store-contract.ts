import type { AgencyRegistryFile, IngestStore, NewDeadLetter } from '@tthc/core';
import type { Opened } from './opened';
import { openPerTest } from './open-per-test';

export interface IngestStoreHarness {
  open(): Promise<Opened<IngestStore>>;
  dispose?(): Promise<void>;
}

const letter = (origin: string, overrides: Partial<NewDeadLetter> = {}): NewDeadLetter => ({
  origin,
  key: 'H36-240315-000123',
  value: new TextEncoder().encode(`{"bytes":"${origin}","ừ":"đ"}`),
  reason: 'invalid-event',
  message: 'data.processingAgencyCode: must be an agency code such as 000.00.00.H36',
  dossierCode: 'H36-240315-000123',
  status: 'dead',
  ...overrides,
});

const registry = (name: string): AgencyRegistryFile => ({
  agencies: [{ code: '000.00.01.H36', name, level: 'province', parent: null, validFrom: '2020-01-01', validTo: null, successor: null }],
  systems: [{ source: 'urn:tthc:test', name: 'test', agencies: ['000.00.01.H36'] }],
});

/** The behaviour every ingest-store adapter must show. */
export function ingestStoreContract(name: string, harness: IngestStoreHarness): void {
  describe(`ingest store contract: ${name}`, () => {
    const store = openPerTest(harness);

    it('keeps registry versions and gives back the latest', async () => {
      await expect(store().loadRegistry()).resolves.toBeUndefined();
      const v1 = await store().saveRegistry(registry('Sở Tư pháp'));
      const v2 = await store().saveRegistry(registry('Sở Tư pháp tỉnh Lâm Đồng'));
      expect(v2).toBeGreaterThan(v1);
      await expect(store().loadRegistry()).resolves.toEqual({ version: v2, registry: registry('Sở Tư pháp tỉnh Lâm Đồng') });
    });

    it('records each letter once by origin, with its original bytes', async () => {
      await store().recordLetters([letter('t/0@1'), letter('t/0@2', { reason: 'unknown-agency' })]);
      await store().recordLetters([letter('t/0@1', { message: 'redelivered' })]);
      const all = await store().listLetters();
      expect(all.map((l) => [l.origin, l.reason, l.status, l.attempts])).toEqual([
        ['t/0@1', 'invalid-event', 'dead', 1],
        ['t/0@2', 'unknown-agency', 'dead', 1],
      ]);
      expect(new TextDecoder().decode(all[0]?.value)).toBe('{"bytes":"t/0@1","ừ":"đ"}');
      expect(all[0]?.message).toMatch(/processingAgencyCode/);
      await expect(store().listLetters({ reason: 'unknown-agency' })).resolves.toHaveLength(1);
    });

    it("keeps a letter's Kafka headers, a header written twice with both values, and no headers for a message that had none", async () => {
      const headers = {
        'content-type': 'application/json',
        ce_type: 'vn.gov.tthc.dossier.paid-online.v1',
        ce_id: ['a', 'b'],
        'x-ừ': '[redacted: text of 3 characters]',
      };
      await store().recordLetters([letter('t/0@1', { headers }), letter('file:1#ab')]);
      await store().recordLetters([letter('t/0@2', { status: 'parked', reason: 'parked-lifecycle', headers: { ce_id: 'p' } })]);
      const [binary, line] = await store().listLetters();
      expect(binary?.headers).toEqual(headers);
      expect(line?.headers).toBeUndefined();
      const [parked] = await store().parkedFor(['H36-240315-000123']);
      expect(parked?.headers).toEqual({ ce_id: 'p' });
    });

    it('finds parked letters by dossier, and settles them with a counted attempt', async () => {
      await store().recordLetters([
        letter('t/0@1', { status: 'parked', reason: 'parked-lifecycle', dossierCode: 'H36-A00001' }),
        letter('t/0@2', { status: 'parked', reason: 'parked-lifecycle', dossierCode: 'H36-B00001' }),
        letter('t/0@3', { status: 'dead', dossierCode: 'H36-A00001' }),
      ]);
      const parked = await store().parkedFor(['H36-A00001', 'H36-Z00001']);
      expect(parked.map((l) => l.origin)).toEqual(['t/0@1']);
      await store().settleLetters(
        parked.map((l) => l.id),
        'resolved',
      );
      await expect(store().parkedFor(['H36-A00001'])).resolves.toEqual([]);
      await expect(store().listLetters({ status: 'resolved' })).resolves.toMatchObject([{ origin: 't/0@1', attempts: 2 }]);
    });

    it('pages letters in id order and counts them by status and reason without reading them', async () => {
      await expect(store().countLetters()).resolves.toEqual([]);
      await store().recordLetters([
        letter('t/0@1'),
        letter('t/0@2', { reason: 'unknown-agency' }),
        letter('t/0@3'),
        letter('t/0@4', { status: 'parked', reason: 'parked-lifecycle' }),
        letter('t/0@5'),
      ]);
      const first = await store().listLetters({ status: 'dead', limit: 2 });
      expect(first.map((l) => l.origin)).toEqual(['t/0@1', 't/0@2']);
      const second = await store().listLetters({ status: 'dead', limit: 2, afterId: first.at(-1)?.id ?? -1 });
      expect(second.map((l) => l.origin)).toEqual(['t/0@3', 't/0@5']);
      await expect(store().listLetters({ status: 'dead', limit: 2, afterId: second.at(-1)?.id ?? -1 })).resolves.toEqual([]);
      const byReason = await store().listLetters({ reason: 'invalid-event', afterId: first[0]?.id ?? -1 });
      expect(byReason.map((l) => l.origin)).toEqual(['t/0@3', 't/0@5']);
      const counts = await store().countLetters();
      expect([...counts].sort((a, b) => `${a.status}${a.reason}`.localeCompare(`${b.status}${b.reason}`))).toEqual([
        { status: 'dead', reason: 'invalid-event', count: 3 },
        { status: 'dead', reason: 'unknown-agency', count: 1 },
        { status: 'parked', reason: 'parked-lifecycle', count: 1 },
      ]);
    });

    it('purges dead and resolved letters last changed before a time, keeps parked ones, and still counts what it purged', async () => {
      await store().recordLetters([
        letter('t/0@1'),
        letter('t/0@2', { reason: 'unknown-agency' }),
        letter('t/0@3', { status: 'parked', reason: 'parked-lifecycle', dossierCode: 'H36-A00001' }),
        letter('t/0@4'),
      ]);
      const [, second] = await store().listLetters();
      if (second === undefined) throw new Error('no letter');
      await store().settleLetters([second.id], 'resolved');
      // Nothing is older than a time before every letter.
      await expect(store().purgeLetters('2000-01-01T00:00:00Z')).resolves.toEqual([]);
      const future = new Date(Date.now() + 60_000).toISOString();
      await expect(store().purgeLetters(future)).resolves.toEqual([
        { status: 'dead', reason: 'invalid-event', count: 2 },
        { status: 'resolved', reason: 'unknown-agency', count: 1 },
      ]);
      expect((await store().listLetters()).map((l) => l.origin)).toEqual(['t/0@3']);
      await store().recordLetters([letter('t/0@5')]);
      await store().purgeLetters(new Date(Date.now() + 60_000).toISOString());
      const counts = await store().countLetters();
      expect([...counts].sort((a, b) => `${a.status}${a.reason}`.localeCompare(`${b.status}${b.reason}`))).toEqual([
        { status: 'parked', reason: 'parked-lifecycle', count: 1 },
        { status: 'purged', reason: 'invalid-event', count: 3 },
        { status: 'purged', reason: 'unknown-agency', count: 1 },
      ]);
      // A purged origin redelivered is a new letter: what it was is gone, its count stays.
      await expect(store().recordLetters([letter('t/0@1')])).resolves.toEqual(new Set());
    });

    it('adds counts up per source', async () => {
      await store().addCounts('kafka:t', { consumed: 5, appended: 3, duplicates: 1, deadLettered: 1, parked: 0 });
      await store().addCounts('kafka:t', { consumed: 2, appended: 1, duplicates: 0, deadLettered: 0, parked: 1 });
      await store().addCounts('file', { consumed: 1, appended: 1, duplicates: 0, deadLettered: 0, parked: 0 });
      const counts = await store().counts();
      expect(counts.get('kafka:t')).toEqual({ consumed: 7, appended: 4, duplicates: 1, deadLettered: 1, parked: 1 });
      expect(counts.get('file')).toEqual({ consumed: 1, appended: 1, duplicates: 0, deadLettered: 0, parked: 0 });
    });

    it('says which letters were already recorded, and a dying letter takes the reason it died of', async () => {
      await expect(store().recordLetters([letter('t/0@1', { status: 'parked', reason: 'parked-lifecycle' })])).resolves.toEqual(new Set());
      await expect(store().recordLetters([letter('t/0@1'), letter('t/0@2')])).resolves.toEqual(new Set(['t/0@1']));
      const [parked] = await store().listLetters({ status: 'parked' });
      await store().settleLetters([parked?.id ?? -1], 'dead', {
        reason: 'unauthorised-source',
        message: 'source urn:x:y may not publish for agency 000.00.01.H36',
      });
      await expect(store().listLetters({ reason: 'unauthorised-source' })).resolves.toMatchObject([
        { origin: 't/0@1', status: 'dead', message: 'source urn:x:y may not publish for agency 000.00.01.H36' },
      ]);
    });

    it('keeps the span of offsets accounted for per source and partition, widening it, never narrowing', async () => {
      await store().recordOffsets('kafka:t', 0, 0n, 500n);
      await store().recordOffsets('kafka:t', 0, 200n, 300n); // a redelivered part
      await store().recordOffsets('kafka:t', 0, 500n, 900n);
      await store().recordOffsets('kafka:t', 2, 10n, 20n);
      await store().recordOffsets('kafka:u', 0, 0n, 1n);
      await expect(store().offsets()).resolves.toEqual([
        { source: 'kafka:t', partition: 0, first: 0n, next: 900n },
        { source: 'kafka:t', partition: 2, first: 10n, next: 20n },
        { source: 'kafka:u', partition: 0, first: 0n, next: 1n },
      ]);
    });

    it("sums a record door's counts per source: records in, translated or refused, and the events they stated", async () => {
      await expect(store().recordCounts()).resolves.toEqual(new Map());
      await store().addRecordCounts('file:dvcqg', { records: 10, translated: 9, refused: 1, events: 21 });
      await store().addRecordCounts('kafka:sync', { records: 2, translated: 2, refused: 0, events: 3 });
      await store().addRecordCounts('file:dvcqg', { records: 5, translated: 3, refused: 2, events: 4 });
      await expect(store().recordCounts()).resolves.toEqual(
        new Map([
          ['file:dvcqg', { records: 15, translated: 12, refused: 3, events: 25 }],
          ['kafka:sync', { records: 2, translated: 2, refused: 0, events: 3 }],
        ]),
      );
      // The event counts are another ledger: untouched.
      await expect(store().counts()).resolves.toEqual(new Map());
    });
  });
}
