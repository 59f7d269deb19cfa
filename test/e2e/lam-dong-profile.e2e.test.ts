import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCY_LEVELS } from '@tthc/core';
import { loadProfile, scaleProfile, SIMULATED_PERSONAL_MARKERS, type SimulationProfile } from '@tthc/simulator';
import { createTestDatabase, KAFKA_BROKERS_ENV, markersIn, pgDump, requireEnv, runTthc, type TestDatabase } from '@tthc/test-support';

const FIXTURE = join(__dirname, '../fixtures/profiles/lam-dong-2024-h1.json');
/**
 * ×0.05 (about 74,000 events) in `pnpm test`; `pnpm test:full` runs the full size (about 1.5 million
 * events), which takes minutes per path on a 2-core machine. Either way every figure must match.
 */
const SCALE = Number(process.env.TTHC_PROFILE_SCALE ?? '0.05');
/**
 * The DVCQG sync door's runs: ×0.01 in `pnpm test` (about 14,600 records; the door's own behaviour
 * is tested in services/ingest/src/sync-door.int.test.ts), the same size as the others in `pnpm test:full`.
 */
const SYNC_SCALE = Number(process.env.TTHC_PROFILE_SCALE ?? '0.01');
jest.setTimeout(30 * 60_000);

function profileAt(scale: number): SimulationProfile {
  const loaded = loadProfile(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  if (!loaded.ok) throw new Error(`fixture: ${JSON.stringify(loaded.problems)}`);
  if (scale === 1) return loaded.profile;
  const scaled = scaleProfile(loaded.profile, scale);
  if (!scaled.ok) throw new Error(`scaled fixture: ${JSON.stringify(scaled.problems)}`);
  return scaled.profile;
}

type Row = Record<string, unknown> & { agencies: number; resolved: number; resolvedOnTime: number; onTimeRate: number | null };
interface ReportJson {
  period: { from: string; to: string };
  asOf: { position: string | null; updatedAt?: string };
  levels: Record<string, Row>;
  total: Record<string, unknown>;
  receivedOnline: number;
  fullProcessOnline: { resolved: number; resolvedOnline: number; rate: number | null };
  onlinePayments: { count: number; amount: number };
}
interface Simulated {
  events: number;
  figures: {
    levels: Record<string, Record<string, unknown>>;
    total: Record<string, unknown>;
    receivedOnline: number;
    fullProcessOnline: Record<string, number>;
    onlinePayments: Record<string, number>;
  };
}

/**
 * Every figure the profile gives, and every figure the simulator chose, in the report's json. Through
 * the sync door, apologies aside: the national record has no field for one (docs/dvcqg.md).
 */
function expectProfileFigures(
  report: ReportJson,
  profile: SimulationProfile,
  simulated: Simulated,
  scale: number,
  door: 'cloudevents' | 'dvcqg' = 'cloudevents',
): void {
  if (door === 'dvcqg') {
    const noApology = (figures: Record<string, unknown>) => ({ ...figures, apologyIssued: 0 });
    simulated = {
      ...simulated,
      figures: {
        ...simulated.figures,
        levels: Object.fromEntries(Object.entries(simulated.figures.levels).map(([level, f]) => [level, noApology(f)])),
        total: noApology(simulated.figures.total),
      },
    };
  }
  expect(report.period).toEqual(profile.period);
  for (const level of AGENCY_LEVELS) {
    const given = profile.levels[level];
    if (given) expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(given)]);
    expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(simulated.figures.levels[level] ?? {})]);
  }
  expect(report.total).toEqual(expect.objectContaining(simulated.figures.total));
  expect(report.receivedOnline).toBe(profile.receivedOnline);
  expect(report.fullProcessOnline).toMatchObject(profile.fullProcessOnline ?? {});
  expect(report.onlinePayments.count).toBe(profile.onlinePayments);
  if (scale === 1) {
    // The rates the seed report prints (II.2.d and II.2.g).
    expect(AGENCY_LEVELS.map((level) => report.levels[level]?.onTimeRate)).toEqual([96.02, 97.76, 99.91]);
    expect(report.fullProcessOnline.rate).toBe(99.43);
  }
}

describe(`the Lâm Đồng H1 2024 profile${SCALE === 1 ? ', full size' : ` ×${SCALE}`}, simulated end to end`, () => {
  const profile = profileAt(SCALE);
  const dir = mkdtempSync(join(tmpdir(), 'tthc-profile-'));
  const profileFile = join(dir, 'profile.json');
  const range = ['--from', profile.period.from, '--to', profile.period.to];
  writeFileSync(profileFile, JSON.stringify(profile));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const report = async (store: string) => {
    const json = JSON.parse(await runTthc('report', ...range, '--format', 'json', '--by', 'agency', '--store', store)) as ReportJson;
    // When the view last moved: a replay's new version moved later; everything else must be the same.
    delete json.asOf.updatedAt;
    return json;
  };

  it('through the broker, the ingest service and PostgreSQL: the report has the seed figures, and a replay gives the same views', async () => {
    const brokers = requireEnv(KAFKA_BROKERS_ENV);
    const run = randomBytes(4).toString('hex');
    const topics = ['--topic', `tthc.profile.${run}`, '--registry-topic', `tthc.profile-registry.${run}`];
    const db: TestDatabase = await createTestDatabase();
    try {
      const simulated = JSON.parse(
        await runTthc('simulate', '--profile', profileFile, '--seed', '2024', '--kafka', '--brokers', brokers, ...topics),
      ) as Simulated;
      // Nothing imported by hand: the registry comes from its topic.
      const ingested = JSON.parse(
        await runTthc('ingest', '--brokers', brokers, ...topics, '--group', `profile-${run}`, '--until-idle', '--idle-ms', '3000', '--store', db.url),
      ) as { ingest: Record<string, number> };
      expect(ingested.ingest).toEqual({ consumed: simulated.events, appended: simulated.events, duplicates: 0, deadLettered: 0, parked: 0 });
      await runTthc('project', '--until-caught-up', '--store', db.url);
      const before = await report(db.url);
      expectProfileFigures(before, profile, simulated, SCALE);

      await runTthc('replay', 'daily-counts', '--store', db.url);
      expect(await report(db.url)).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('through a file into SQLite, with nothing else: the same figures, and a replay gives the same views', async () => {
    const feed = join(dir, 'feed.ndjson');
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const simulated = JSON.parse(await runTthc('simulate', '--profile', profileFile, '--seed', '2024', '--out', feed)) as Simulated;
    const ingested = JSON.parse(await runTthc('ingest', '--file', feed, '--store', store)) as { ingest: Record<string, number> };
    expect(ingested.ingest).toEqual({ consumed: simulated.events, appended: simulated.events, duplicates: 0, deadLettered: 0, parked: 0 });
    await runTthc('project', '--until-caught-up', '--store', store);
    const before = await report(store);
    expectProfileFigures(before, profile, simulated, SCALE);

    await runTthc('replay', 'daily-counts', '--store', store);
    expect(await report(store)).toEqual(before);
  });
});

describe(`the Lâm Đồng H1 2024 profile${SYNC_SCALE === 1 ? ', full size' : ` ×${SYNC_SCALE}`}, sent as DVCQG sync records (the second door)`, () => {
  const profile = profileAt(SYNC_SCALE);
  const dir = mkdtempSync(join(tmpdir(), 'tthc-sync-'));
  const profileFile = join(dir, 'profile.json');
  const range = ['--from', profile.period.from, '--to', profile.period.to];
  writeFileSync(profileFile, JSON.stringify(profile));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  interface SyncIngest {
    ingest: { consumed: number; appended: number; duplicates: number; deadLettered: number; parked: number };
    records: { records: number; translated: number; refused: number; events: number };
  }
  type SyncSimulated = Simulated & { records: number; source: string };

  /** Every record read, none refused; each event it states stored once, restated ones recognised. */
  function expectConserved(ingested: SyncIngest, simulated: SyncSimulated): void {
    expect(ingested.records).toEqual({ records: simulated.records, translated: simulated.records, refused: 0, events: ingested.ingest.consumed });
    expect(ingested.ingest.consumed).toBe(ingested.ingest.appended + ingested.ingest.duplicates);
    expect(ingested.ingest).toMatchObject({ deadLettered: 0, parked: 0 });
  }

  const report = async (store: string) => JSON.parse(await runTthc('report', ...range, '--format', 'json', '--by', 'agency', '--store', store)) as ReportJson;

  it('through the broker and PostgreSQL: the seed figures, and nothing of the applicants anywhere in the database', async () => {
    const brokers = requireEnv(KAFKA_BROKERS_ENV);
    const run = randomBytes(4).toString('hex');
    const topics = ['--topic', `tthc.sync.${run}`, '--registry-topic', `tthc.sync-registry.${run}`];
    const db: TestDatabase = await createTestDatabase();
    try {
      const simulated = JSON.parse(
        await runTthc('simulate', '--profile', profileFile, '--seed', '2024', '--format', 'dvcqg', '--kafka', '--brokers', brokers, ...topics),
      ) as SyncSimulated;
      const ingested = JSON.parse(
        await runTthc(
          'ingest',
          '--format',
          'dvcqg',
          '--source',
          simulated.source,
          '--brokers',
          brokers,
          ...topics,
          '--group',
          `sync-${run}`,
          '--until-idle',
          '--idle-ms',
          '3000',
          '--store',
          db.url,
        ),
      ) as SyncIngest;
      expectConserved(ingested, simulated);
      await runTthc('project', '--until-caught-up', '--store', db.url);
      expectProfileFigures(await report(db.url), profile, simulated, SYNC_SCALE, 'dvcqg');
      // The whole database, as pg_dump writes it: no name, phone, e-mail or address of the feed's applicants.
      const dump = pgDump(db.url);
      const [found] = await Promise.all([markersIn([dump.stdout], [...SIMULATED_PERSONAL_MARKERS, simulated.source]), dump.done]);
      // The system's URN is in every event: the dump is read whole.
      expect(found).toEqual([simulated.source]);
    } finally {
      await db.drop();
    }
  });

  it('through a file into SQLite: the same figures, and no applicant is in the store', async () => {
    const feed = join(dir, 'sync.ndjson');
    const storeDir = join(dir, 'store');
    const store = `sqlite:${join(storeDir, 'tthc.sqlite')}`;
    const simulated = JSON.parse(await runTthc('simulate', '--profile', profileFile, '--seed', '2024', '--format', 'dvcqg', '--out', feed)) as SyncSimulated;
    // The feed carries its applicants, as a one-stop-shop system's records do.
    expect(await markersIn([createReadStream(feed)], SIMULATED_PERSONAL_MARKERS)).toEqual(expect.arrayContaining([...SIMULATED_PERSONAL_MARKERS]));
    const ingested = JSON.parse(await runTthc('ingest', '--file', feed, '--format', 'dvcqg', '--source', simulated.source, '--store', store)) as SyncIngest;
    expectConserved(ingested, simulated);
    // What tthc status (and the API, from the same function) shows of the door.
    const status = JSON.parse(await runTthc('status', '--format', 'json', '--store', store)) as {
      ingest: { records: unknown; recordsBalanced: boolean; balanced: boolean };
    };
    expect(status.ingest).toMatchObject({ records: { 'file:dvcqg': ingested.records }, recordsBalanced: true, balanced: true });
    await runTthc('project', '--until-caught-up', '--store', store);
    expectProfileFigures(await report(store), profile, simulated, SYNC_SCALE, 'dvcqg');
    // The database and its write-ahead log, byte for byte.
    const files = readdirSync(storeDir).map((f) => createReadStream(join(storeDir, f)));
    // The system's URN is in every event: the files are read whole.
    expect(await markersIn(files, [...SIMULATED_PERSONAL_MARKERS, simulated.source])).toEqual([simulated.source]);
  });
});
