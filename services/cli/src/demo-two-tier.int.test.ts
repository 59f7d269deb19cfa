import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENCY_LEVELS, inProgress } from '@tthc/core';
import { loadProfile, scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { runTthc } from '@tthc/test-support';

/**
 * Issue #19, point 4, the file path: `tthc demo` of the two-tier Q3 2025 profile (province and commune
 * only; received and in progress given for the whole province, the communes' in progress as a total
 * alone) into SQLite. ×0.02, as the demo's quick look; the e2e test runs it whole in `pnpm test:full`.
 */
const FIXTURE = join(__dirname, '../../../test/fixtures/profiles/lam-dong-2025-q3.json');
const SCALE = 0.02;

function scaledFixture(): SimulationProfile {
  const loaded = loadProfile(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  if (!loaded.ok) throw new Error(`fixture: ${JSON.stringify(loaded.problems)}`);
  const scaled = scaleProfile(loaded.profile, SCALE);
  if (!scaled.ok) throw new Error(`scaled fixture: ${JSON.stringify(scaled.problems)}`);
  return scaled.profile;
}

type Row = Record<string, unknown> & { received: number; inProgressAtEnd: { notDue: number; overdue: number } };
interface ReportJson {
  levels: Partial<Record<string, Row>>;
  total: Row;
  agencies?: { agencyCode: string; level: string }[];
}

describe('tthc demo of the two-tier Lâm Đồng Q3 2025 profile, file → SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-demo-two-tier-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
  const profile = scaledFixture();

  it("reports the profile's figures field by field, its whole-province figures as the levels' sum, and no district row", async () => {
    const args = ['--profile', FIXTURE, '--scale', String(SCALE), '--seed', '19', '--out', join(dir, 'feed.ndjson'), '--format', 'json'];
    const report = JSON.parse(await runTthc('demo', ...args, '--store', store)) as ReportJson;
    expect(Object.keys(report.levels)).toEqual(['province', 'commune']);
    for (const level of AGENCY_LEVELS) {
      const given = profile.levels[level];
      if (given) expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(given)]);
    }
    // What the profile gives only for the whole province comes out as the sum of what each level was given of it.
    const sumOf = (figure: (l: NonNullable<SimulationProfile['levels']['province']>) => number | undefined) =>
      AGENCY_LEVELS.reduce((s, l) => s + (figure(profile.levels[l] ?? { agencies: 0, resolved: 0, resolvedOnTime: 0 }) ?? 0), 0);
    expect(report.total.received).toBe(sumOf((l) => l.received));
    expect(inProgress(report.total.inProgressAtEnd)).toBe(sumOf((l) => l.inProgressAtEnd && inProgress(l.inProgressAtEnd)));
  });

  it("counts every figure under the merged province's agencies (T68), 22 departments and agencies and 124 communes", async () => {
    const report = JSON.parse(
      await runTthc('report', '--from', '2025-07-01', '--to', '2025-09-30', '--by', 'agency', '--format', 'json', '--store', store),
    ) as ReportJson;
    const agencies = report.agencies ?? [];
    expect(agencies.filter((a) => !a.agencyCode.endsWith('.T68'))).toEqual([]);
    expect(AGENCY_LEVELS.map((level) => agencies.filter((a) => a.level === level).length)).toEqual([22, 0, 124]);
  });
});
