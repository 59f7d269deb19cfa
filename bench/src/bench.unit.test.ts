import { generateDemoDataset, InMemoryEventStore, START_OF_LOG } from '@tthc/core';
import { copyLines, copyValue } from './copy-text';
import { DATASET_PERIOD, prepareEvents } from './dataset';
import { computeRatios } from './report';

describe('bench data preparation (no benchmark runs here)', () => {
  const { events } = generateDemoDataset({ seed: 7, dossiers: 40, period: DATASET_PERIOD });

  it('gives the limits the same rows, order and revisions that our store writes from the batches', async () => {
    const { batches, rows } = prepareEvents(events, 25);
    expect(rows).toHaveLength(events.length);
    expect(batches.every((b) => b.reduce((n, a) => n + a.events.length, 0) <= 25)).toBe(true);
    const store = new InMemoryEventStore();
    for (const batch of batches) await store.appendToStreams(batch);
    const stored = await store.readAll({ after: START_OF_LOG, limit: rows.length + 1 });
    expect(
      stored.map((e) => ({
        streamId: e.streamId,
        revision: Number(e.revision),
        eventId: e.id,
        type: e.type,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify(e.metadata),
      })),
    ).toEqual(rows);
  });

  it('escapes what COPY text format reserves, and nothing else', () => {
    expect(copyValue('{"a":"x"}')).toBe('{"a":"x"}');
    expect(copyValue('{"a":"line\\nbreak\\\\"}')).toBe('{"a":"line\\\\nbreak\\\\\\\\"}');
    expect(copyValue('tab\there\r\n')).toBe('tab\\there\\r\\n');
    const { rows } = prepareEvents(events.slice(0, 3));
    const lines = copyLines(rows, 0, rows.length).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]?.split('\t')).toHaveLength(6);
  });

  it('states each ratio as ours over the limit in events per second, leaving out a pair with a row missing', () => {
    const row = (name: string, eventsPerSecond: number) => ({ name, events: 1, seconds: 1, eventsPerSecond, peakRssMb: 1 });
    expect(computeRatios([row('store.sqlite-append', 50), row('limit.sqlite-insert', 200), row('store.postgres-read', 10)])).toEqual({
      'store.sqlite-append/limit.sqlite-insert': 0.25,
    });
  });
});
