import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AGENCY_LEVELS,
  balanceOf,
  buildDailyCountsReport,
  formatProblems,
  loadAgencyRegistry,
  localDay,
  parseDossierEvent,
  projectDossierEvent,
  upcastBody,
  workingDaysBetween,
  type AgencyMetricTotal,
  type AgencyRegistry,
  type AnyVersionDossierEvent,
  type DailyCountsReport,
  type DayRange,
  type DossierSummary,
  type FieldProblem,
} from '@tthc/core';
import { openDossiersByDefinition } from '@tthc/test-support';
import { loadProfile, type SimulationProfile } from '../profile/profile';
import { scaleProfile } from '../profile/scale-profile';
import { SimulationRefused, simulateProfile, trySimulateProfile, type ProfileSimulation } from './simulate-profile';
import { SIMULATION_SOURCE } from './simulation-registry';

const fixturePath = join(__dirname, '../../../../test/fixtures/profiles/lam-dong-2024-h1.json');

function load(value: unknown): SimulationProfile {
  const result = loadProfile(value);
  if (!result.ok) throw new Error(formatProblems(result.problems));
  return result.profile;
}

/** The Lâm Đồng H1 2024 fixture with every dossier figure ÷ 40 (agencies kept). */
function lamDongScaled(): SimulationProfile {
  const scaled = scaleProfile(load(JSON.parse(readFileSync(fixturePath, 'utf8'))), 1 / 40);
  if (!scaled.ok) throw new Error(formatProblems(scaled.problems));
  return scaled.profile;
}

interface Folded {
  readonly events: AnyVersionDossierEvent[];
  readonly report: DailyCountsReport;
  readonly registry: AgencyRegistry;
  readonly skipped: string[];
  readonly invalid: string[];
}

/**
 * Every event through the schema (as bytes) and the daily-counts projection, in the order given;
 * the open dossiers as the projection store port defines them; then the report over the period.
 */
function fold(simulation: ProfileSimulation, period: DayRange): Folded {
  const states = new Map<string, DossierSummary>();
  const totals = new Map<string, { agencyCode: string; metric: AgencyMetricTotal['metric']; value: number }>();
  const events: AnyVersionDossierEvent[] = [];
  const skipped: string[] = [];
  const invalid: string[] = [];
  for (const event of simulation.events()) {
    events.push(event);
    const parsed = parseDossierEvent(JSON.stringify(event));
    if (!parsed.ok) invalid.push(`${event.id}: ${formatProblems(parsed.problems)}`);
    const body = upcastBody(event);
    const outcome = projectDossierEvent(states.get(body.subject), body);
    if (outcome.kind === 'skip') {
      skipped.push(`${event.type} ${event.subject}: ${outcome.reason}`);
      continue;
    }
    states.set(body.subject, outcome.summary);
    for (const i of outcome.increments) {
      if (i.day < period.from || i.day > period.to) continue;
      const key = `${i.agencyCode}|${i.metric}`;
      const row = totals.get(key) ?? { agencyCode: i.agencyCode, metric: i.metric, value: 0 };
      row.value += i.value;
      totals.set(key, row);
    }
  }
  const loaded = loadAgencyRegistry(simulation.registry);
  if (!loaded.ok) throw new Error(`registry: ${formatProblems(loaded.problems)}`);
  const report = buildDailyCountsReport(period, [...totals.values()], null, loaded.registry, openDossiersByDefinition(states.values(), period));
  return { events, report, registry: loaded.registry, skipped, invalid };
}

/** The report shows every figure the profile gives and every figure the simulator says it chose. */
function expectExact(profile: SimulationProfile, simulation: ProfileSimulation, folded: Folded): void {
  const { report } = folded;
  expect(folded.skipped).toEqual([]);
  expect(folded.invalid).toEqual([]);
  expect(folded.events).toHaveLength(simulation.eventCount);
  for (const level of AGENCY_LEVELS) {
    const given = profile.levels[level];
    if (given) expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(given)]);
    const f = simulation.figures.levels[level];
    // A level with no agency and no dossier has no row.
    if (f.agencies === 0 && given === undefined) expect([level, report.levels[level]]).toEqual([level, undefined]);
    else expect([level, report.levels[level]]).toEqual([level, expect.objectContaining(f)]);
    const balance = balanceOf(f);
    expect(balance.inflow).toBe(balance.outflow);
    expect(f.resolved).toBe(f.resolvedOnTime + f.resolvedLate);
    // The profile's agencies, and the provincial people's committee a profile without the province level needs.
    expect(folded.registry.countByLevel(profile.period.to)[level]).toBe(f.agencies);
    if (given) expect(f.agencies).toBe(given.agencies);
  }
  expect(report.total).toEqual(expect.objectContaining(simulation.figures.total));
  expect(report.total.receivedOnline).toBe(simulation.figures.receivedOnline);
  expect(report.total.fullProcessOnline).toMatchObject(simulation.figures.fullProcessOnline);
  expect(report.total.onlinePayments).toEqual(simulation.figures.onlinePayments);
  if (profile.receivedOnline !== undefined) expect(report.total.receivedOnline).toBe(profile.receivedOnline);
  if (profile.fullProcessOnline) expect(report.total.fullProcessOnline).toMatchObject(profile.fullProcessOnline);
  if (profile.onlinePayments !== undefined) expect(report.total.onlinePayments.count).toBe(profile.onlinePayments);
}

function simulateAndFold(profile: SimulationProfile, seed = 1): { simulation: ProfileSimulation; folded: Folded } {
  const simulation = simulateProfile(profile, { seed });
  return { simulation, folded: fold(simulation, profile.period) };
}

describe('a profile of one level below the province, as district-only or commune-only reports publish them', () => {
  // A district-only report is of the old map: the district level ended on 30 Jun 2025.
  it.each([
    ['district', '2024-07-01', '2024-09-30'],
    ['commune', '2025-07-01', '2025-09-30'],
  ] as const)('simulates a %s-only profile (%s to %s) exactly, adding the provincial people’s committee its registry hangs from', (level, from, to) => {
    const profile: SimulationProfile = {
      name: `${level}-only`,
      title: `${level} only`,
      period: { from, to },
      levels: { [level]: { agencies: 4, resolved: 300, resolvedOnTime: 290, received: 310 } },
    };
    const { simulation, folded } = simulateAndFold(profile, 3);
    expectExact(profile, simulation, folded);
    expect(simulation.registry.agencies.filter((a) => a.level === 'province').map((a) => a.parent)).toEqual([null]);
    expect(simulation.registry.agencies.filter((a) => a.level === level)).toHaveLength(4);
    // The committee resolves nothing: every dossier is the level's.
    expect(simulation.figures.levels.province).toMatchObject({ agencies: 1, received: 0, resolved: 0, carriedOver: 0 });
  });
});

describe('a profile of a period after 30 Jun 2025', () => {
  const profile: SimulationProfile = {
    name: 'two-tier',
    title: 'Hai cấp',
    period: { from: '2025-07-01', to: '2025-09-30' },
    levels: { province: { agencies: 18, resolved: 400, resolvedOnTime: 390 }, commune: { agencies: 5, resolved: 300, resolvedOnTime: 299 } },
  };
  const { simulation, folded } = simulateAndFold(profile, 9);

  it('is simulated exactly on the merged province’s map: its codes, its departments, no district', () => {
    expectExact(profile, simulation, folded);
    const { agencies } = simulation.registry;
    expect(agencies.every((a) => a.code.endsWith('.T68'))).toBe(true);
    expect(agencies.some((a) => a.level === 'district')).toBe(false);
    expect(agencies.map((a) => a.name)).toEqual(expect.arrayContaining(['Sở Nông nghiệp và Môi trường (mô phỏng)', 'Sở Dân tộc và Tôn giáo (mô phỏng)']));
    expect(agencies.map((a) => a.name)).not.toContain('Sở Kế hoạch và Đầu tư (mô phỏng)');
    const first = simulation.events().next();
    expect(first.done ? '' : first.value.subject).toMatch(/^\d{3}\.\d{2}\.\d{2}\.T68-\d{6}-\d{5}$/);
  });
});

describe('the Lâm Đồng H1 2024 profile ÷ 40, simulated and projected', () => {
  const profile = lamDongScaled();
  const { simulation, folded } = simulateAndFold(profile, 2024);
  const { events } = folded;
  const received = events.filter((e) => e.type === 'vn.gov.tthc.dossier.received.v2' || e.type === 'vn.gov.tthc.dossier.received.v1');

  it('gives exactly every figure of the profile and every figure chosen, with no event skipped or invalid', () => {
    expectExact(profile, simulation, folded);
    // The chosen figures stay plausible.
    const province = simulation.figures.levels.province;
    expect(province.resolvedEarly / province.resolvedOnTime).toBeCloseTo(0.65, 2);
    expect(province.carriedOver / province.resolved).toBeCloseTo(0.04, 2);
    expect(simulation.figures.total.received).toBeGreaterThanOrEqual(simulation.figures.receivedOnline);
  });

  it('publishes from one system allowed to publish for every agency; codes and ids are unique', () => {
    expect(simulation.registry.systems).toHaveLength(1);
    expect(events.filter((e) => e.source !== SIMULATION_SOURCE)).toEqual([]);
    const agencies = new Set(
      received.flatMap((e) => (e.type === 'vn.gov.tthc.dossier.received.v2' ? [e.data.processingAgencyCode, e.data.receivingAgencyCode] : [e.data.agencyCode])),
    );
    expect([...agencies].filter((code) => !folded.registry.mayPublish(SIMULATION_SOURCE, code))).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(e.id))).toBe(true);
    const subjects = new Set(received.map((e) => e.subject));
    expect(subjects.size).toBe(received.length);
    expect(simulation.dossiers).toBe(new Set(events.map((e) => e.subject)).size);
    expect(received[0]?.subject).toMatch(/^\d{3}\.\d{2}\.\d{2}\.H36-\d{6}-\d{5}$/);
  });

  it('gives time-ordered ids, as the publisher SDK does: UUIDv7 whose timestamp is the event’s time, increasing in publish order', () => {
    const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(events.filter((e) => millisOf(e.id) !== Date.parse(e.time)).map((e) => `${e.id} ${e.time}`)).toEqual([]);
    const outOfOrder = events.slice(1).filter((e, i) => e.id <= (events[i]?.id ?? ''));
    expect(outOfOrder.map((e) => e.id)).toEqual([]);
    // Events sharing a second exist, so the counter, not the time alone, keeps their ids in order.
    expect(new Set(events.map((e) => Date.parse(e.time))).size).toBeLessThan(events.length);
  });

  it('is in time order, with nothing after the period end', () => {
    const times = events.map((e) => Date.parse(e.time));
    expect(times.findIndex((t, i) => i > 0 && t < (times[i - 1] ?? 0))).toBe(-1);
    expect(localDay(events[events.length - 1]?.time ?? '')).toBe(profile.period.to);
    expect(events.some((e) => localDay(e.time) > profile.period.to)).toBe(false);
  });

  it('has every event type, both receipt versions, and instants written with +07:00 and in UTC', () => {
    const types = new Set(events.map((e) => e.type));
    expect(types.size).toBe(13);
    const v1 = events.filter((e) => e.type === 'vn.gov.tthc.dossier.received.v1').length;
    expect(v1 / received.length).toBeGreaterThan(0.03);
    expect(v1 / received.length).toBeLessThan(0.15);
    const utc = events.filter((e) => e.time.endsWith('Z')).length;
    expect(utc / events.length).toBeGreaterThan(0.15);
    expect(utc / events.length).toBeLessThan(0.25);
    expect(events.every((e) => e.time.endsWith('Z') || e.time.endsWith('+07:00'))).toBe(true);
  });

  it('receives by every channel, online only for procedures with an online service, fewer on days off', () => {
    const channels = new Map<string, number>();
    for (const e of received) channels.set(e.data.channel, (channels.get(e.data.channel) ?? 0) + 1);
    expect([...channels.keys()].sort()).toEqual(['in-person', 'online', 'postal']);
    expect(received.filter((e) => e.data.channel === 'online').every((e) => e.data.onlineServiceLevel !== 'none')).toBe(true);
    const inPeriod = received.filter((e) => localDay(e.data.receivedAt) >= profile.period.from);
    const byDay = new Map<string, number>();
    for (const e of inPeriod) byDay.set(localDay(e.data.receivedAt), (byDay.get(localDay(e.data.receivedAt)) ?? 0) + 1);
    const weekend = [...byDay.entries()].filter(([day]) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()));
    const weekday = [...byDay.entries()].filter(([day]) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()));
    const mean = (rows: [string, number][]) => rows.reduce((s, [, c]) => s + c, 0) / Math.max(1, rows.length);
    expect(mean(weekend)).toBeLessThan(0.2 * mean(weekday));
  });

  it('sets due dates in working days, 3–15 typically, some longer; supplements reset them', () => {
    const days = received
      .slice(0, 1500)
      .map((e) => workingDaysBetween(localDay(e.data.receivedAt), e.data.dueDate))
      .sort((a, b) => a - b);
    const median = days[Math.floor(days.length / 2)] ?? 0;
    expect(median).toBeGreaterThanOrEqual(3);
    expect(median).toBeLessThanOrEqual(15);
    expect(days.filter((d) => d > 15).length / days.length).toBeGreaterThan(0.1);
    const supplied = events.filter((e) => e.type === 'vn.gov.tthc.dossier.supplement-received.v1');
    expect(supplied.length).toBeGreaterThan(0);
    for (const e of supplied) expect(e.data.newDueDate >= localDay(e.data.receivedAt)).toBe(true);
  });

  it('has agencies of different sizes within a level', () => {
    const perAgency = new Map<string, number>();
    for (const row of folded.report.agencies) if (row.level === 'province') perAgency.set(row.agencyCode, row.received);
    const sizes = [...perAgency.values()].sort((a, b) => a - b);
    expect(sizes).toHaveLength(19);
    expect((sizes[sizes.length - 1] ?? 0) / Math.max(1, sizes[0] ?? 0)).toBeGreaterThan(5);
  });

  it('carries dossiers over from before the period, pays after financial obligations, and apologises for some late ones', () => {
    expect(received.some((e) => localDay(e.data.receivedAt) < profile.period.from)).toBe(true);
    const obliged = new Set(events.filter((e) => e.type === 'vn.gov.tthc.dossier.financial-obligation-requested.v1').map((e) => e.subject));
    expect(events.some((e) => e.type === 'vn.gov.tthc.dossier.paid-online.v1' && obliged.has(e.subject))).toBe(true);
    const apologies = events.filter((e) => e.type === 'vn.gov.tthc.dossier.apology-issued.v1').length;
    expect(apologies).toBeGreaterThan(0);
    expect(folded.report.total.refusedAtReception).toBeGreaterThan(0);
    expect(folded.report.total.processingStopped).toBeGreaterThan(0);
    expect(folded.report.total.resultReturned / folded.report.total.resolved).toBeGreaterThan(0.8);
  });

  it('counts events as it says, and iterates afresh each time', () => {
    let again = 0;
    for (const _ of simulation.events()) again += 1;
    expect(again).toBe(simulation.eventCount);
  });
});

const PERIOD = { from: '2024-01-01', to: '2024-03-31' };

describe('profiles of every shape give exactly their figures', () => {
  it('every optional figure given (balanced)', () => {
    const profile = load({
      name: 'all-given',
      title: 'Every figure given',
      period: PERIOD,
      levels: {
        province: {
          agencies: 5,
          resolved: 2000,
          resolvedOnTime: 1900,
          resolvedEarly: 1200,
          received: 2050,
          carriedOver: 100,
          inProgressAtEnd: { notDue: 100, overdue: 20 },
          withdrawn: 20,
          handedBack: 10,
        },
        district: {
          agencies: 3,
          resolved: 800,
          resolvedOnTime: 780,
          resolvedEarly: 500,
          received: 810,
          carriedOver: 40,
          inProgressAtEnd: { notDue: 35, overdue: 5 },
          withdrawn: 6,
          handedBack: 4,
        },
        commune: {
          agencies: 20,
          resolved: 1500,
          resolvedOnTime: 1499,
          resolvedEarly: 1000,
          received: 1520,
          carriedOver: 50,
          inProgressAtEnd: { notDue: 60, overdue: 2 },
          withdrawn: 5,
          handedBack: 3,
        },
      },
      receivedOnline: 3000,
      fullProcessOnline: { resolved: 900, resolvedOnline: 880 },
      onlinePayments: 1500,
    });
    const { simulation, folded } = simulateAndFold(profile);
    expectExact(profile, simulation, folded);
  });

  it('only the required figures', () => {
    const profile = load({
      name: 'required',
      title: 'Only what is required',
      period: PERIOD,
      levels: {
        province: { agencies: 4, resolved: 900, resolvedOnTime: 850 },
        district: { agencies: 2, resolved: 300, resolvedOnTime: 290 },
        commune: { agencies: 9, resolved: 700, resolvedOnTime: 699 },
      },
    });
    const { simulation, folded } = simulateAndFold(profile);
    expectExact(profile, simulation, folded);
    const f = simulation.figures;
    expect(f.receivedOnline).toBe(Math.round(0.6 * f.total.received));
    expect(f.fullProcessOnline.resolved).toBe(Math.round(0.2 * 1900));
    expect(f.onlinePayments.count).toBe(Math.round(0.5 * f.receivedOnline));
    expect(f.onlinePayments.amount % 1000).toBe(0);
  });

  it('one level only', () => {
    const profile = load({
      name: 'one-level',
      title: 'Provincial departments only',
      period: PERIOD,
      levels: { province: { agencies: 3, resolved: 500, resolvedOnTime: 480 } },
      receivedOnline: 300,
    });
    const { simulation, folded } = simulateAndFold(profile);
    expectExact(profile, simulation, folded);
    expect(simulation.figures.levels.district).toMatchObject({ agencies: 0, received: 0, resolved: 0 });
  });

  it('edge cases: nothing withdrawn or handed back, all early, none late, none open, a level without dossiers', () => {
    const profile = load({
      name: 'edges',
      title: 'Edge cases',
      period: PERIOD,
      levels: {
        province: {
          agencies: 2,
          resolved: 300,
          resolvedOnTime: 300,
          resolvedEarly: 300,
          withdrawn: 0,
          handedBack: 0,
          inProgressAtEnd: { notDue: 0, overdue: 0 },
        },
        district: { agencies: 2, resolved: 0, resolvedOnTime: 0 },
        commune: { agencies: 3, resolved: 120, resolvedOnTime: 120, resolvedEarly: 0, carriedOver: 0, withdrawn: 0 },
      },
      fullProcessOnline: { resolved: 0, resolvedOnline: 0 },
      onlinePayments: 0,
    });
    const { simulation, folded } = simulateAndFold(profile);
    expectExact(profile, simulation, folded);
    expect(folded.report.levels.province).toMatchObject({ resolvedLate: 0, resolvedEarly: 300, withdrawn: 0, handedBack: 0 });
    expect(folded.report.levels.district).toMatchObject({ agencies: 2, received: 0, carriedOver: 0 });
    expect(folded.events.some((e) => e.type === 'vn.gov.tthc.dossier.paid-online.v1' && localDay(e.time) >= PERIOD.from)).toBe(false);
  });

  it('some figures given: the free ones take up the balance, and a large receivedOnline raises received', () => {
    const profile = load({
      name: 'partial',
      title: 'Some figures given',
      period: PERIOD,
      levels: {
        province: { agencies: 3, resolved: 1000, resolvedOnTime: 950, received: 1100, carriedOver: 60, withdrawn: 5 },
        district: { agencies: 2, resolved: 400, resolvedOnTime: 380, received: 300 },
        commune: { agencies: 4, resolved: 500, resolvedOnTime: 499, carriedOver: 30, inProgressAtEnd: { notDue: 10, overdue: 1 } },
      },
      receivedOnline: 2000,
      fullProcessOnline: { resolved: 300, resolvedOnline: 250 },
    });
    const { simulation, folded } = simulateAndFold(profile, 5);
    expectExact(profile, simulation, folded);
    expect(simulation.figures.levels.province.carriedOver).toBe(60);
    expect(simulation.figures.levels.province.received).toBe(1100);
    expect(simulation.figures.total.received).toBeGreaterThanOrEqual(2000);
  });

  it('a short period over the Tết holiday (no working day), with late and overdue dossiers', () => {
    const profile = load({
      name: 'tet',
      title: 'Tết week',
      period: { from: '2024-02-08', to: '2024-02-14' },
      levels: { province: { agencies: 2, resolved: 60, resolvedOnTime: 40, resolvedEarly: 10, inProgressAtEnd: { notDue: 5, overdue: 5 } } },
    });
    const { simulation, folded } = simulateAndFold(profile);
    expectExact(profile, simulation, folded);
  });
});

describe('determinism', () => {
  const profile = load({
    name: 'determinism',
    title: 'Determinism',
    period: PERIOD,
    levels: { province: { agencies: 3, resolved: 400, resolvedOnTime: 380 }, commune: { agencies: 5, resolved: 300, resolvedOnTime: 300 } },
  });
  const digest = (seed: number) => {
    const hash = createHash('sha256');
    for (const e of simulateProfile(profile, { seed }).events()) hash.update(`${JSON.stringify(e)}\n`);
    return hash.digest('hex');
  };

  it('gives byte-identical events for the same seed, and different ones for another', () => {
    const first = digest(7);
    expect(digest(7)).toBe(first);
    expect(digest(8)).not.toBe(first);
  });

  it('keeps the profile figures whatever the seed', () => {
    const a = simulateProfile(profile, { seed: 1 }).figures;
    const b = simulateProfile(profile, { seed: 99 }).figures;
    expect(b.levels.province).toMatchObject({
      resolved: a.levels.province.resolved,
      received: a.levels.province.received,
      carriedOver: a.levels.province.carriedOver,
    });
    expect(b.receivedOnline).toBe(a.receivedOnline);
  });
});

describe('profiles that cannot be simulated', () => {
  const refused = (value: unknown, options: { seed: number; source?: string } = { seed: 1 }): readonly FieldProblem[] => {
    const result = trySimulateProfile(value as SimulationProfile, options);
    if (result.ok) throw new Error('expected a refusal');
    expect(() => simulateProfile(value as SimulationProfile, options)).toThrow(SimulationRefused);
    return result.problems;
  };
  const base = { name: 'refused', title: 'Refused', period: PERIOD };

  it('receivedOnline above what the given figures let the levels receive', () => {
    const problems = refused({
      ...base,
      levels: {
        province: {
          agencies: 2,
          resolved: 100,
          resolvedOnTime: 90,
          received: 100,
          carriedOver: 10,
          inProgressAtEnd: { notDue: 5, overdue: 0 },
          withdrawn: 3,
          handedBack: 2,
        },
        district: { agencies: 1, resolved: 50, resolvedOnTime: 50, carriedOver: 5, inProgressAtEnd: { notDue: 3, overdue: 0 }, withdrawn: 1, handedBack: 1 },
      },
      receivedOnline: 2000,
    });
    expect(problems).toEqual([
      {
        field: 'receivedOnline',
        rule: 'must be at most the dossiers received at all levels: 2.000 > province 100 + district 50 = 150, and the given figures leave no room for more',
      },
    ]);
  });

  it('full-process online resolved above the resolved dossiers that could carry it', () => {
    const problems = refused({
      ...base,
      levels: { province: { agencies: 2, resolved: 1000, resolvedOnTime: 900, carriedOver: 10 } },
      receivedOnline: 100,
      fullProcessOnline: { resolved: 500, resolvedOnline: 400 },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('fullProcessOnline.resolvedOnline');
    expect(problems[0]?.rule).toMatch(
      /^must be at most the resolved dossiers that can have been submitted online: 400 > .*receivedOnline 100.* \+ carried over and resolved 9 = 109$/,
    );
  });

  it('a single-day period, too many payments, received above what leaves, an imbalance, a bad seed or source', () => {
    expect(
      refused({ ...base, period: { from: '2024-01-02', to: '2024-01-02' }, levels: { province: { agencies: 1, resolved: 1, resolvedOnTime: 1 } } }),
    ).toEqual([{ field: 'period', rule: 'must span at least 2 days to simulate late and overdue dossiers: from 2024-01-02 to 2024-01-02' }]);
    const exact = {
      agencies: 1,
      resolved: 10,
      resolvedOnTime: 10,
      received: 10,
      carriedOver: 0,
      inProgressAtEnd: { notDue: 0, overdue: 0 },
      withdrawn: 0,
      handedBack: 0,
    };
    expect(refused({ ...base, levels: { province: exact }, onlinePayments: 21 })).toEqual([
      { field: 'onlinePayments', rule: 'must be at most two for each dossier received or carried over in the period: 21 > 2 × 10 = 20' },
    ]);
    expect(
      refused({
        ...base,
        levels: {
          province: { agencies: 1, resolved: 10, resolvedOnTime: 10, received: 20, inProgressAtEnd: { notDue: 1, overdue: 0 }, withdrawn: 0, handedBack: 0 },
        },
      }),
    ).toEqual([
      {
        field: 'levels.province.received',
        rule: 'must be at most resolved + in progress + withdrawn + handed back when carriedOver is not given: received 20 > 11',
      },
    ]);
    expect(refused({ ...base, levels: { province: { ...exact, received: 11 } } }).map((p) => p.field)).toEqual(['levels.province']);
    expect(refused({ ...base, levels: { province: exact } }, { seed: 1.5 }).map((p) => p.field)).toEqual(['seed']);
    expect(refused({ ...base, levels: { province: exact } }, { seed: 1, source: 'not a urn' }).map((p) => p.field)).toEqual(['source']);
  });

  it('names every problem in the error message', () => {
    try {
      simulateProfile(
        { ...base, period: { from: '2024-01-02', to: '2024-01-02' }, levels: { commune: { agencies: 3, resolved: 10, resolvedOnTime: 10 } } },
        { seed: 1 },
      );
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(SimulationRefused);
      expect((error as Error).message).toMatch(/^the profile cannot be simulated: period: must span at least 2 days/);
    }
  });
});
