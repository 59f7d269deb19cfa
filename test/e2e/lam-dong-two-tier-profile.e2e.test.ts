import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCY_LEVELS } from '@tthc/core';
import { loadProfile, scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { createTestDatabase, KAFKA_BROKERS_ENV, requireEnv, runTthc, runTthcProcess, type TestDatabase } from '@tthc/test-support';

/**
 * Issue #19, point 4: a two-tier profile as reports publish them since 1 Jul 2025 (province and
 * commune levels only, received and in progress given for the whole province, an in-progress total
 * without its split), test/fixtures/profiles/lam-dong-2025-q3.json, reproduced exactly through Kafka
 * into PostgreSQL and through a file into SQLite. ×0.02 in `pnpm test`; TTHC_PROFILE_SCALE=1 (`pnpm test:full`) runs it whole.
 */
const FIXTURE = join(__dirname, '../fixtures/profiles/lam-dong-2025-q3.json');
const SCALE = Number(process.env.TTHC_PROFILE_SCALE ?? '0.02');
jest.setTimeout(20 * 60_000);

const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { total: { received: number; inProgressAtEnd: { total: number } } };
function profileAt(scale: number): SimulationProfile {
  const loaded = loadProfile(raw);
  if (!loaded.ok) throw new Error(`fixture: ${JSON.stringify(loaded.problems)}`);
  if (scale === 1) return loaded.profile;
  const scaled = scaleProfile(loaded.profile, scale);
  if (!scaled.ok) throw new Error(`scaled fixture: ${JSON.stringify(scaled.problems)}`);
  return scaled.profile;
}

type Row = Record<string, unknown> & { received: number; inProgressAtEnd: { notDue: number; overdue: number } };
interface ReportJson {
  asOf: { updatedAt?: string };
  levels: Partial<Record<string, Row>>;
  total: Row;
}
interface Simulated {
  events: number;
  figures: { levels: Record<string, Record<string, unknown>>; total: Record<string, unknown> };
}

describe(`the two-tier Lâm Đồng Q3 2025 profile${SCALE === 1 ? ', full size' : ` ×${SCALE}`}, simulated end to end`, () => {
  const profile = profileAt(SCALE);
  const dir = mkdtempSync(join(tmpdir(), 'tthc-two-tier-'));
  const profileFile = join(dir, 'profile.json');
  writeFileSync(profileFile, JSON.stringify(SCALE === 1 ? raw : profile));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectProfile = async (store: string, simulated: Simulated) => {
    const report = JSON.parse(await runTthc('report', '--from', '2025-07-01', '--to', '2025-09-30', '--format', 'json', '--store', store)) as ReportJson;
    // Two tiers: no district row.
    expect(Object.keys(report.levels)).toEqual(['province', 'commune']);
    for (const level of AGENCY_LEVELS) {
      const given = profile.levels[level];
      if (!given) continue;
      expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(given)]);
      expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(simulated.figures.levels[level] ?? {})]);
    }
    expect(report.total).toEqual(expect.objectContaining(simulated.figures.total));
    // On the merged province's map: every agency under its new code.
    const byAgency = JSON.parse(
      await runTthc('report', '--from', '2025-07-01', '--to', '2025-09-30', '--by', 'agency', '--format', 'json', '--store', store),
    ) as { agencies: { agencyCode: string }[] };
    expect(byAgency.agencies.filter((a) => !a.agencyCode.endsWith('.T68'))).toEqual([]);
    const inProgress = (r: Row | undefined) => (r ? r.inProgressAtEnd.notDue + r.inProgressAtEnd.overdue : 0);
    if (SCALE === 1) {
      // The whole-province figures the profile gives without a split.
      expect(report.total.received).toBe(raw.total.received);
      expect(inProgress(report.total)).toBe(raw.total.inProgressAtEnd.total);
      expect(inProgress(report.levels.commune)).toBe(7130);
    }
  };

  it('through the broker, the ingest service and PostgreSQL', async () => {
    const brokers = requireEnv(KAFKA_BROKERS_ENV);
    const run = randomBytes(4).toString('hex');
    // Kafka's clients run in processes of their own, as operators run them.
    const topics = ['--topic', `tthc.two-tier.${run}`, '--registry-topic', `tthc.two-tier-registry.${run}`];
    const db: TestDatabase = await createTestDatabase();
    try {
      const simulated = JSON.parse(
        await runTthcProcess('simulate', '--profile', profileFile, '--seed', '2025', '--kafka', '--brokers', brokers, ...topics),
      ) as Simulated;
      const ingested = JSON.parse(
        await runTthcProcess('ingest', '--brokers', brokers, ...topics, '--group', `two-tier-${run}`, '--until-idle', '--idle-ms', '3000', '--store', db.url),
      ) as { ingest: Record<string, number> };
      expect(ingested.ingest).toEqual({ consumed: simulated.events, appended: simulated.events, duplicates: 0, deadLettered: 0, parked: 0 });
      await runTthc('project', '--until-caught-up', '--store', db.url);
      await expectProfile(db.url, simulated);
    } finally {
      await db.drop();
    }
  });

  it('through a file into SQLite', async () => {
    const feed = join(dir, 'feed.ndjson');
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const simulated = JSON.parse(await runTthc('simulate', '--profile', profileFile, '--seed', '2025', '--out', feed)) as Simulated;
    await runTthc('ingest', '--file', feed, '--store', store);
    await runTthc('project', '--until-caught-up', '--store', store);
    await expectProfile(store, simulated);
  });
});
