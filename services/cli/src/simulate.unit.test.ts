import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRegistryEvent } from '@tthc/core';
import { loadProfile, simulateProfile } from '@tthc/simulator';
import { runTthc } from '@tthc/test-support';
import { simulationRegistryEvent, writeSimulation } from './commands/simulate';

const profile = {
  name: 'tinh-mau-2024-h1',
  title: 'Tỉnh mẫu, 6 tháng đầu năm 2024',
  period: { from: '2024-01-01', to: '2024-06-30' },
  levels: {
    province: { agencies: 3, resolved: 400, resolvedOnTime: 380 },
    commune: {
      agencies: 5,
      resolved: 300,
      resolvedOnTime: 299,
      received: 320,
      carriedOver: 10,
      inProgressAtEnd: { notDue: 20, overdue: 4 },
      withdrawn: 4,
      handedBack: 2,
    },
  },
  receivedOnline: 500,
  fullProcessOnline: { resolved: 150, resolvedOnline: 140 },
  onlinePayments: 300,
};

describe('tthc simulate --out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-simulate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  it('writes the registry line first, then the events, the same bytes for the same seed, and prints the figures', async () => {
    const file = write('profile.json', profile);
    const run = async (seed: string, out: string) =>
      JSON.parse(await runTthc('simulate', '--profile', file, '--seed', seed, '--out', join(dir, out))) as {
        events: number;
        figures: { levels: Record<string, { received: number }>; receivedOnline: number };
      };
    const first = await run('7', 'a.ndjson');
    await run('7', 'b.ndjson');
    await run('8', 'c.ndjson');
    expect(sha(join(dir, 'a.ndjson'))).toBe(sha(join(dir, 'b.ndjson')));
    expect(sha(join(dir, 'a.ndjson'))).not.toBe(sha(join(dir, 'c.ndjson')));
    const lines = readFileSync(join(dir, 'a.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(first.events + 1);
    const registry = parseRegistryEvent(lines[0] ?? '');
    if (!registry.ok) throw new Error(JSON.stringify(registry.problems));
    expect(registry.registry.countByLevel('2024-06-30')).toEqual({ province: 3, district: 0, commune: 5 });
    expect(first.figures.levels.commune?.received).toBe(320);
    expect(first.figures.receivedOnline).toBe(500);
  });

  it('leaves no feed, whole or partial, when the run fails part way', async () => {
    const loaded = loadProfile(profile);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const simulation = simulateProfile(loaded.profile, { seed: 7 });
    const half = Math.floor(simulation.eventCount / 2);
    const failing = {
      ...simulation,
      *events() {
        let n = 0;
        for (const event of simulation.events()) {
          if ((n += 1) > half) throw new Error('interrupted half way');
          yield event;
        }
      },
    };
    const out = join(dir, 'failed.ndjson');
    await expect(writeSimulation(out, simulationRegistryEvent(loaded.profile, simulation, 7), failing, () => undefined)).rejects.toThrow(
      'interrupted half way',
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    // A whole run leaves only the feed.
    await writeSimulation(out, simulationRegistryEvent(loaded.profile, simulation, 7), simulation, () => undefined);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(simulation.eventCount + 1);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('refuses a profile that cannot balance, naming the level and the numbers', async () => {
    const file = write('bad.json', { ...profile, levels: { ...profile.levels, commune: { ...profile.levels.commune, withdrawn: 5 } } });
    await expect(runTthc('simulate', '--profile', file, '--out', join(dir, 'x.ndjson'))).rejects.toThrow(
      /levels\.commune: does not balance: carriedOver 10 \+ received 320 = 330, but .* \(330 ≠ 331\)/,
    );
  });

  it('asks for exactly one destination', async () => {
    const file = write('profile2.json', profile);
    await expect(runTthc('simulate', '--profile', file)).rejects.toThrow(/--out: give either --out FILE.ndjson or --kafka/);
  });

  it('--reorganise-on moves the province onto the two-tier map that day: one registry knows both maps, and the figures on both are printed', async () => {
    const fixture = join(__dirname, '../../../test/fixtures/profiles/lam-dong-2025-merger.json');
    const out = join(dir, 'merger.ndjson');
    type Level = { received: number; transferredIn: number; transferredOut: number };
    const printed = JSON.parse(await runTthc('simulate', '--profile', fixture, '--reorganise-on', '2025-07-01', '--out', out)) as {
      reorganisedOn: string;
      figures: { levels: Record<string, { received: number }> };
      maps: { eachDay: { levels: Record<string, Level> }; today: { map: string; levels: Record<string, Level> } };
    };
    expect(printed.reorganisedOn).toBe('2025-07-01');
    const registry = parseRegistryEvent(readFileSync(out, 'utf8').split('\n')[0] ?? '');
    if (!registry.ok) throw new Error(JSON.stringify(registry.problems));
    expect(registry.registry.countByLevel('2025-06-30')).toEqual({ province: 6, district: 3, commune: 8 });
    expect(registry.registry.countByLevel('2025-07-01')).toEqual({ province: 6, district: 0, commune: 5 });
    const { eachDay, today } = printed.maps;
    expect(today.map).toBe('2025-12-31');
    expect(today.levels.district?.received).toBe(0);
    expect(today.levels.commune?.received).toBe(930 + 1650);
    // By the map of each day the districts received part of the year, and their open dossiers moved to the communes.
    expect(eachDay.levels.district?.received).toBeGreaterThan(0);
    expect(eachDay.levels.district?.received).toBeLessThan(930);
    expect(eachDay.levels.district?.transferredOut).toBeGreaterThan(0);
    expect(eachDay.levels.commune?.transferredIn).toBe(eachDay.levels.district?.transferredOut);
    await expect(runTthc('simulate', '--profile', fixture, '--reorganise-on', '2026-01-01', '--out', out)).rejects.toThrow(
      "--reorganise-on: must be a day after the period's first (2025-01-01) and not after its last (2025-12-31): 2026-01-01",
    );
  });
});
