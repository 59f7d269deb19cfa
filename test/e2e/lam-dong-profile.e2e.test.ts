import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCY_LEVELS } from '@tthc/core';
import { loadProfile, scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { createTestDatabase, KAFKA_BROKERS_ENV, requireEnv, runTthc, type TestDatabase } from '@tthc/test-support';

const FIXTURE = join(__dirname, '../fixtures/profiles/lam-dong-2024-h1.json');
/**
 * ×0.05 (about 74,000 events) in `pnpm test`; `pnpm test:full` runs the full size (about 1.5 million
 * events), which takes minutes per path on a 2-core machine. Either way every figure must match.
 */
const SCALE = Number(process.env.TTHC_PROFILE_SCALE ?? '0.05');
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

/** Every figure the profile gives, and every figure the simulator chose, in the report's json. */
function expectProfileFigures(report: ReportJson, profile: SimulationProfile, simulated: Simulated): void {
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
  if (SCALE === 1) {
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
      expectProfileFigures(before, profile, simulated);

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
    expectProfileFigures(before, profile, simulated);

    await runTthc('replay', 'daily-counts', '--store', store);
    expect(await report(store)).toEqual(before);
  });
});
