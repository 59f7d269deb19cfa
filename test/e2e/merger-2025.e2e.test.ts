import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCY_LEVELS, localDay } from '@tthc/core';
import { loadProfile, simulateProfile, type MapFigures, type MapLevelFigures } from '@tthc/simulator';
import { createTestDatabase, KAFKA_BROKERS_ENV, requireEnv, runTthc, runTthcProcess, type TestDatabase } from '@tthc/test-support';

/**
 * Issue #19's show: a province that merges on 1 Jul 2025 (test/fixtures/profiles/lam-dong-2025-merger.json,
 * `tthc simulate --reorganise-on 2025-07-01`), reported for the whole of 2025 by the map of each day
 * and on today's map, through Kafka into PostgreSQL and through a file into SQLite. Every figure of
 * every level is the one the simulator worked out dossier by dossier, every level balances, and the
 * dossiers that cross the date are counted once, resolved under their successors.
 */
const FIXTURE = join(__dirname, '../fixtures/profiles/lam-dong-2025-merger.json');
const ON = '2025-07-01';
const SEED = '2025';
const YEAR = ['--from', '2025-01-01', '--to', '2025-12-31'];
jest.setTimeout(10 * 60_000);

type LevelRow = MapLevelFigures & Record<string, unknown>;
interface ReportJson {
  map?: string;
  asOf: { position: string | null; updatedAt?: string };
  levels: Partial<Record<string, LevelRow>>;
  total: LevelRow;
}
interface Simulated {
  events: number;
  maps: { eachDay: MapFigures; today: MapFigures };
}

const FIELDS = [
  'received',
  'resolved',
  'resolvedEarly',
  'resolvedOnDueDay',
  'resolvedLate',
  'carriedOver',
  'inProgressAtEnd',
  'withdrawn',
  'handedBack',
  'transferredIn',
  'transferredOut',
] as const;
const pick = (row: Partial<MapLevelFigures> | undefined) => Object.fromEntries(FIELDS.map((f) => [f, row?.[f] ?? 0]));
const balance = (f: MapLevelFigures) => ({
  inflow: f.carriedOver + f.received + f.transferredIn,
  outflow: f.resolved + f.inProgressAtEnd.notDue + f.inProgressAtEnd.overdue + f.withdrawn + f.handedBack + f.transferredOut,
});

/** The report shows, level by level, what the simulator worked out for the map, and every level balances. */
function expectMap(report: ReportJson, expected: MapFigures): void {
  for (const level of AGENCY_LEVELS) {
    const row = report.levels[level];
    const want = expected.levels[level];
    const { inflow: wantIn, outflow: wantOut } = balance(want);
    const empty = wantIn + wantOut === 0;
    // A level with no agency and no figure on that map has no row.
    if (row === undefined) expect([level, empty]).toEqual([level, true]);
    else {
      expect([level, pick(row)]).toEqual([level, pick(want)]);
      const { inflow, outflow } = balance(row);
      expect([level, inflow]).toEqual([level, outflow]);
    }
  }
  expect(pick(report.total)).toEqual(pick(expected.total));
}

describe('the simulated merger of 1 Jul 2025, reported for the year on both maps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-merger-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const reports = async (store: string) => {
    const read = async (...args: string[]) => {
      const json = JSON.parse(await runTthc('report', ...YEAR, '--format', 'json', '--store', store, ...args)) as ReportJson;
      delete json.asOf.updatedAt;
      return json;
    };
    return { eachDay: await read(), today: await read('--map', '2025-12-31') };
  };

  it('through the broker, the ingest service and PostgreSQL', async () => {
    const brokers = requireEnv(KAFKA_BROKERS_ENV);
    const run = randomBytes(4).toString('hex');
    // Kafka's clients run in processes of their own, as operators run them.
    const topics = ['--topic', `tthc.merger.${run}`, '--registry-topic', `tthc.merger-registry.${run}`];
    const db: TestDatabase = await createTestDatabase();
    try {
      const simulated = JSON.parse(
        await runTthcProcess('simulate', '--profile', FIXTURE, '--seed', SEED, '--reorganise-on', ON, '--kafka', '--brokers', brokers, ...topics),
      ) as Simulated;
      const ingested = JSON.parse(
        await runTthcProcess('ingest', '--brokers', brokers, ...topics, '--group', `merger-${run}`, '--until-idle', '--idle-ms', '3000', '--store', db.url),
      ) as { ingest: Record<string, number> };
      // Nothing refused: the later events of the dossiers that crossed the date were taken under their successors.
      expect(ingested.ingest).toEqual({ consumed: simulated.events, appended: simulated.events, duplicates: 0, deadLettered: 0, parked: 0 });
      await runTthc('project', '--until-caught-up', '--store', db.url);
      const { eachDay, today } = await reports(db.url);
      expectMap(eachDay, simulated.maps.eachDay);
      expectMap(today, simulated.maps.today);
      expect(today.levels.district).toBeUndefined();
      expect(eachDay.levels.district?.transferredOut).toBeGreaterThan(0);
    } finally {
      await db.drop();
    }
  });

  it('through files into SQLite: the old map until the new registry is imported, then both maps; a replay moves nothing while reports answer', async () => {
    const feed = join(dir, 'feed.ndjson');
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const simulated = JSON.parse(await runTthc('simulate', '--profile', FIXTURE, '--seed', SEED, '--reorganise-on', ON, '--out', feed)) as Simulated;
    const [registryLine = '', ...lines] = readFileSync(feed, 'utf8').trimEnd().split('\n');
    // The province ran on the old map until the merger: its registry then, and the events about days before it.
    const loaded = loadProfile(JSON.parse(readFileSync(FIXTURE, 'utf8')));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const before = join(dir, 'registry-before.json');
    writeFileSync(before, JSON.stringify(simulateProfile(loaded.profile, { seed: Number(SEED) }).registry));
    const after = join(dir, 'registry-after.json');
    writeFileSync(after, JSON.stringify((JSON.parse(registryLine) as { data: unknown }).data));
    const dayOf = (line: string) => localDay((JSON.parse(line) as { time: string }).time);
    const firstHalf = join(dir, 'first-half.ndjson');
    const secondHalf = join(dir, 'second-half.ndjson');
    writeFileSync(firstHalf, `${lines.filter((l) => dayOf(l) < ON).join('\n')}\n`);
    writeFileSync(secondHalf, `${lines.filter((l) => dayOf(l) >= ON).join('\n')}\n`);

    await runTthc('registry', 'import', before, '--store', store);
    await runTthc('ingest', '--file', firstHalf, '--store', store);
    await runTthc('project', '--until-caught-up', '--store', store);
    const h1 = JSON.parse(await runTthc('report', '--from', '2025-01-01', '--to', '2025-06-30', '--format', 'json', '--store', store)) as ReportJson;
    expect(h1.levels.district?.received).toBe(simulated.maps.eachDay.levels.district.received);

    // On 1 Jul the province imports the new registry version; the second half's events follow.
    await runTthc('registry', 'import', after, '--store', store);
    const ingested = JSON.parse(await runTthc('ingest', '--file', secondHalf, '--store', store)) as { ingest: Record<string, number> };
    expect(ingested.ingest).toMatchObject({ deadLettered: 0, parked: 0 });
    await runTthc('project', '--until-caught-up', '--store', store);
    const figures = await reports(store);
    expectMap(figures.eachDay, simulated.maps.eachDay);
    expectMap(figures.today, simulated.maps.today);

    // A replay rebuilds the view beside the live one; reports asked meanwhile answer with the same figures.
    const replay = { running: true };
    const replayed = runTthc('replay', 'daily-counts', '--store', store, '--batch-size', '500').finally(() => {
      replay.running = false;
    });
    const during: ReportJson[] = [];
    while (replay.running) {
      during.push((await reports(store)).today);
      // A report on SQLite may complete without leaving the microtask queue: let the replay's I/O run between them.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await replayed;
    expect(during.length).toBeGreaterThan(0);
    for (const report of during) expectMap(report, simulated.maps.today);
    expect(await reports(store)).toEqual(figures);
  });
});
