import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoDataset } from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { openSqliteStores } from '@tthc/store-sqlite';
import { ingestFile } from './ingest-file';
import type { Rejection } from './ingest-batch';

describe('ingest from an NDJSON file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger({ level: 'silent' });

  it('accounts for every line: appended, duplicate or rejected with its reason', async () => {
    const { events } = generateDemoDataset({ seed: 3, dossiers: 40, period: { from: '2024-01-01', to: '2024-01-31' } });
    const first = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2');
    const processed = events.find((e) => e.type === 'vn.gov.tthc.dossier.processed.v1');
    if (first?.type !== 'vn.gov.tthc.dossier.received.v2' || processed?.type !== 'vn.gov.tthc.dossier.processed.v1') throw new Error('generator gave too few events');
    const outcome = processed.data.outcome === 'approved' ? 'refused' : 'approved';
    const reused = { ...processed, data: { ...processed.data, outcome } }; // same id, other content
    const lines = [
      ...events.map((e) => JSON.stringify(e)),
      JSON.stringify(first), // redelivered
      '{"specversion": "1.0", "id": ', // cut off
      JSON.stringify({ ...first, id: 'another-id', data: { ...first.data, processingAgencyCode: 'SO-Y-TE' } }),
      '',
      JSON.stringify(reused),
    ];
    const file = join(dir, 'feed.ndjson');
    writeFileSync(file, lines.join('\n'));
    const stores = openSqliteStores(join(dir, 'store.sqlite'));
    const rejected: Rejection[] = [];
    try {
      const totals = await ingestFile(file, stores.eventStore, { logger, batchSize: 7, onRejected: (r) => void rejected.push(r) });
      expect(totals.toJSON()).toEqual({ consumed: events.length + 4, appended: events.length, duplicates: 1, rejected: 3 });
      expect(rejected.map((r) => [r.message.origin, r.reason])).toEqual([
        [`${file}:${events.length + 2}`, 'invalid-json'],
        [`${file}:${events.length + 3}`, 'invalid-event'],
        [`${file}:${events.length + 5}`, 'duplicate-id-conflict'],
      ]);
      expect(rejected[1]?.detail).toMatch(/^data\.processingAgencyCode: must be an agency code/);
      const stored = await stores.eventStore.readAll({ limit: 10_000 });
      // Each dossier's events keep their order; across dossiers a batch is grouped by stream.
      const perDossier = (list: { id: string; dossier: string }[]) =>
        list.reduce<Record<string, string[]>>((acc, e) => ({ ...acc, [e.dossier]: [...(acc[e.dossier] ?? []), e.id] }), {});
      expect(perDossier(stored.map((e) => ({ id: e.id, dossier: e.streamId.replace(/^dossier-/, '') })))).toEqual(
        perDossier(events.map((e) => ({ id: e.id, dossier: e.subject }))),
      );
    } finally {
      await stores.close();
    }
  });
});
