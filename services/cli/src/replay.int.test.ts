import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores, storeUrl } from '@tthc/stores';
import { appendDataset, generateDemoDataset, liveView, runTthc } from '@tthc/test-support';

describe('tthc replay and tthc status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-replay-'));
  const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { events } = generateDemoDataset({ seed: 12, dossiers: 400, period: { from: '2024-01-01', to: '2024-06-30' } });

  beforeAll(async () => {
    const stores = await openStores(storeUrl.parse(store));
    try {
      await appendDataset(stores.eventStore, events);
    } finally {
      await stores.close();
    }
  });

  const status = async () =>
    (JSON.parse(await runTthc('status', '--store', store, '--format', 'json')) as { projections: Record<string, Record<string, unknown> | null> }).projections[
      'daily-counts'
    ];

  it('shows the lag of a projection behind the log, then none once it is projected', async () => {
    await expect(status()).resolves.toBeNull();
    await runTthc('project', '--until-caught-up', '--store', store);
    await expect(status()).resolves.toMatchObject({ version: 1, events: events.length, lag: { events: 0, seconds: 0 }, building: null, runner: null });
    const stores = await openStores(storeUrl.parse(store));
    try {
      await appendDataset(stores.eventStore, generateDemoDataset({ seed: 13, dossiers: 20, period: { from: '2024-07-01', to: '2024-07-31' } }).events);
    } finally {
      await stores.close();
    }
    const behind = await status();
    expect((behind?.lag as { events: number }).events).toBeGreaterThan(0);
    expect(typeof behind?.position).toBe('string');
    expect(behind?.rate).toEqual(expect.any(Number));
    await runTthc('project', '--until-caught-up', '--store', store);
  });

  it('rebuilds the view into the next version, switches to it and prints one JSON summary line', async () => {
    const before = await withStores(liveView);
    const out = await runTthc('replay', 'daily-counts', '--store', store, '--batch-size', '500');
    expect(out.trim().split('\n')).toHaveLength(1);
    const summary = JSON.parse(out) as Record<string, unknown>;
    expect(summary).toMatchObject({ projection: 'daily-counts', fromVersion: 1, toVersion: 2, switched: true, resumed: false });
    expect(Object.keys(summary)).toEqual(expect.arrayContaining(['events', 'seconds', 'eventsPerSecond']));
    expect(await withStores(liveView)).toEqual(before);
    await expect(status()).resolves.toMatchObject({ version: 2, lag: { events: 0 } });
    const all = JSON.parse(await runTthc('replay', '--all', '--store', store)) as Record<string, unknown>;
    expect(all).toMatchObject({ projection: 'daily-counts', fromVersion: 2, toVersion: 3 });
  });

  it('names the projection or --all, and only known projections', async () => {
    await expect(runTthc('replay', '--store', store)).rejects.toThrow(/--all: give a projection name or --all/);
    await expect(runTthc('replay', 'daily-counts', '--all', '--store', store)).rejects.toThrow(/--all: give a projection name or --all/);
    await expect(runTthc('replay', 'weekly', '--store', store)).rejects.toThrow(/unknown projection weekly; known: daily-counts/);
  });

  async function withStores<T>(work: (s: Awaited<ReturnType<typeof openStores>>) => Promise<T>): Promise<T> {
    const stores = await openStores(storeUrl.parse(store));
    try {
      return await work(stores);
    } finally {
      await stores.close();
    }
  }
});
