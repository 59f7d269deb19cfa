import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems, percentHalfUp, type FieldProblem } from '@tthc/core';
import { loadProfile, type SimulationProfile } from './profile';

const fixturePath = join(__dirname, '../../../../test/fixtures/profiles/lam-dong-2024-h1.json');
const lamDong = (): Record<string, unknown> => JSON.parse(readFileSync(fixturePath, 'utf8')) as Record<string, unknown>;

function load(value: unknown): SimulationProfile {
  const result = loadProfile(value);
  if (!result.ok) throw new Error(formatProblems(result.problems));
  return result.profile;
}

function problemsOf(value: unknown): readonly FieldProblem[] {
  const result = loadProfile(value);
  if (result.ok) throw new Error('expected the profile to be refused');
  return result.problems;
}

/** A small valid profile whose district balances: 1200 + 30000 = 30727 + (400 + 60) + 10 + 3. */
const small = () => ({
  name: 'small',
  title: 'A small profile',
  period: { from: '2024-01-01', to: '2024-06-30' },
  levels: {
    province: { agencies: 2, resolved: 100, resolvedOnTime: 90, resolvedEarly: 40 },
    district: {
      agencies: 1,
      resolved: 30_727,
      resolvedOnTime: 30_040,
      received: 30_000,
      carriedOver: 1_200,
      inProgressAtEnd: { notDue: 400, overdue: 60 },
      withdrawn: 10,
      handedBack: 3,
    },
  },
  receivedOnline: 50,
  fullProcessOnline: { resolved: 80, resolvedOnline: 70 },
  onlinePayments: 5,
});

describe('the Lâm Đồng H1 2024 profile', () => {
  it('loads', () => {
    const profile = load(lamDong());
    expect(profile.period).toEqual({ from: '2024-01-01', to: '2024-06-30' });
    expect(profile.levels.province).toEqual({ agencies: 19, resolved: 157_270, resolvedOnTime: 151_017 });
    expect(profile.levels.district).toEqual({ agencies: 12, resolved: 30_727, resolvedOnTime: 30_040 });
    expect(profile.levels.commune).toEqual({ agencies: 142, resolved: 197_113, resolvedOnTime: 196_936 });
    expect(profile.receivedOnline).toBe(342_523);
    expect(profile.fullProcessOnline).toEqual({ resolved: 87_533, resolvedOnline: 87_036 });
    expect(profile.onlinePayments).toBe(191_643);
  });

  it('implies the rates the report prints', () => {
    const { levels, fullProcessOnline } = load(lamDong());
    const rate = (level: { resolved: number; resolvedOnTime: number } | undefined) => level && percentHalfUp(level.resolvedOnTime, level.resolved);
    expect(rate(levels.province)).toBe(96.02);
    expect(rate(levels.district)).toBe(97.76);
    expect(rate(levels.commune)).toBe(99.91);
    expect(fullProcessOnline && percentHalfUp(fullProcessOnline.resolvedOnline, fullProcessOnline.resolved)).toBe(99.43);
  });
});

describe('loadProfile', () => {
  it('accepts a balanced profile with every optional figure', () => {
    expect(load(small()).levels.district?.carriedOver).toBe(1_200);
  });

  it('accepts a one-day period and a single level', () => {
    const profile = { ...small(), period: { from: '2024-03-01', to: '2024-03-01' }, levels: { commune: small().levels.province } };
    expect(load({ ...profile, fullProcessOnline: undefined }).levels.commune?.agencies).toBe(2);
  });

  type Case = [name: string, edit: (p: ReturnType<typeof small>) => unknown, field: string, rule: string | RegExp];
  const cases: Case[] = [
    [
      'resolvedOnTime above resolved',
      (p) => ({ ...p, levels: { ...p.levels, province: { ...p.levels.province, resolvedOnTime: 101 } } }),
      'levels.province.resolvedOnTime',
      'must be at most resolved: resolvedOnTime 101 > resolved 100',
    ],
    [
      'resolvedEarly above resolvedOnTime',
      (p) => ({ ...p, levels: { ...p.levels, province: { ...p.levels.province, resolvedEarly: 91 } } }),
      'levels.province.resolvedEarly',
      'must be at most resolvedOnTime (early counts within on time): resolvedEarly 91 > resolvedOnTime 90',
    ],
    [
      'a period that ends before it starts',
      (p) => ({ ...p, period: { from: '2024-06-30', to: '2024-01-01' } }),
      'period.to',
      'must not be before period.from: from 2024-06-30 is after to 2024-01-01',
    ],
    [
      'full-process resolved online above resolved',
      (p) => ({ ...p, fullProcessOnline: { resolved: 80, resolvedOnline: 81 } }),
      'fullProcessOnline.resolvedOnline',
      'must be at most fullProcessOnline.resolved: resolvedOnline 81 > resolved 80',
    ],
    [
      'full-process resolved above everything resolved',
      (p) => ({ ...p, fullProcessOnline: { resolved: 30_828, resolvedOnline: 0 } }),
      'fullProcessOnline.resolved',
      'must be at most the dossiers resolved at all levels: 30.828 > province 100 + district 30.727 = 30.827',
    ],
    [
      'a level that does not balance',
      (p) => ({ ...p, levels: { ...p.levels, district: { ...p.levels.district, inProgressAtEnd: { notDue: 440, overdue: 60 } } } }),
      'levels.district',
      'does not balance: carriedOver 1.200 + received 30.000 = 31.200, but resolved 30.727 + in progress 500 + withdrawn 10 + handed back 3 = 31.240 (31.200 ≠ 31.240)',
    ],
    [
      'a level whose given figures already exceed what came in',
      (p) => {
        const { inProgressAtEnd: _gone, ...district } = p.levels.district;
        return { ...p, levels: { ...p.levels, district: { ...district, withdrawn: 500 } } };
      },
      'levels.district',
      'cannot balance: carriedOver 1.200 + received 30.000 = 31.200, but resolved 30.727 + withdrawn 500 + handed back 3 = 31.230 already exceeds it (31.230 > 31.200)',
    ],
    [
      'a level with dossiers and no agencies',
      (p) => ({ ...p, levels: { ...p.levels, province: { ...p.levels.province, agencies: 0 } } }),
      'levels.province.agencies',
      'must be more than 0 when the level has dossiers',
    ],
    [
      'received online above received at all levels',
      (p) => ({
        ...p,
        levels: { ...p.levels, province: { ...p.levels.province, received: 100 } },
        receivedOnline: 30_101,
      }),
      'receivedOnline',
      'must be at most the dossiers received at all levels: 30.101 > province 100 + district 30.000 = 30.100',
    ],
    ['an unknown top-level field', (p) => ({ ...p, source: 'seed' }), '(message)', 'unknown field(s) not allowed: source'],
    ['an unknown level', (p) => ({ ...p, levels: { ...p.levels, ward: p.levels.province } }), 'levels', 'unknown field(s) not allowed: ward'],
    [
      'an unknown field in a level',
      (p) => ({ ...p, levels: { ...p.levels, province: { ...p.levels.province, resolvedLate: 10 } } }),
      'levels.province',
      'unknown field(s) not allowed: resolvedLate',
    ],
    [
      'an unknown field in inProgressAtEnd',
      (p) => ({
        ...p,
        levels: { ...p.levels, district: { ...p.levels.district, inProgressAtEnd: { notDue: 400, overdue: 60, paused: 1 } } },
      }),
      'levels.district.inProgressAtEnd',
      'unknown field(s) not allowed: paused',
    ],
    ['no levels', (p) => ({ ...p, levels: {} }), 'levels', 'must give at least one of province, district, commune, or the whole-province figures in total'],
    [
      'a negative count',
      (p) => ({ ...p, levels: { ...p.levels, province: { ...p.levels.province, resolved: -1 } } }),
      'levels.province.resolved',
      'must be 0 or more',
    ],
    ['a fractional count', (p) => ({ ...p, onlinePayments: 1.5 }), 'onlinePayments', 'must be a whole number'],
    ['a date that is not a day', (p) => ({ ...p, period: { ...p.period, to: '2024-02-30' } }), 'period.to', 'must be a calendar date YYYY-MM-DD'],
    [
      'a missing required figure',
      (p) => {
        const { resolvedOnTime: _gone, ...province } = p.levels.province;
        return { ...p, levels: { ...p.levels, province } };
      },
      'levels.province.resolvedOnTime',
      /^is required/,
    ],
  ];

  it.each(cases)('refuses %s', (_name, edit, field, rule) => {
    const problems = problemsOf(edit(small()));
    expect(problems).toContainEqual({ field, rule: typeof rule === 'string' ? rule : (expect.stringMatching(rule) as string) });
  });

  it('reports every problem at once', () => {
    const p = small();
    const problems = problemsOf({
      ...p,
      period: { from: '2024-07-01', to: '2024-06-30' },
      levels: { province: { ...p.levels.province, resolvedOnTime: 200, resolvedEarly: 201 } },
    });
    expect(problems.map((x) => x.field)).toEqual(['period.to', 'levels.province.resolvedOnTime', 'levels.province.resolvedEarly']);
  });

  it('does not bound receivedOnline when a level leaves received out', () => {
    expect(load({ ...small(), receivedOnline: 1_000_000 }).receivedOnline).toBe(1_000_000);
  });

  it('says which required field is missing', () => {
    const { title: _gone, ...profile } = small();
    expect(problemsOf(profile)).toEqual([{ field: 'title', rule: 'is required (string)' }]);
  });

  it('refuses what is not an object', () => {
    expect(problemsOf(null)).toEqual([{ field: '(message)', rule: expect.any(String) as string }]);
  });
});

describe('profiles as reports publish them', () => {
  const head = { name: 'two-tier', title: 'Hai cấp', period: { from: '2025-07-01', to: '2025-09-30' } };
  const loaded = (value: unknown) => {
    const result = loadProfile(value);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    return result.profile;
  };

  it('takes whole-province figures alone as the province level, with one agency unless total says how many', () => {
    const total = { resolved: 900, resolvedOnTime: 880, received: 950, inProgressAtEnd: { total: 60 } };
    const profile = loaded({ ...head, total });
    expect(Object.keys(profile.levels)).toEqual(['province']);
    expect(profile.levels.province).toMatchObject({ agencies: 1, resolved: 900, resolvedOnTime: 880, received: 950 });
    expect(loaded({ ...head, total: { ...total, agencies: 7 } }).levels.province?.agencies).toBe(7);
  });

  it('splits an in-progress total into not due and overdue, keeping the total', () => {
    const profile = loaded({ ...head, levels: { commune: { agencies: 3, resolved: 200, resolvedOnTime: 180, inProgressAtEnd: { total: 40 } } } });
    const split = profile.levels.commune?.inProgressAtEnd;
    expect((split?.notDue ?? 0) + (split?.overdue ?? 0)).toBe(40);
    // Late dossiers are 10% of the resolved: twice that share of the open ones is overdue.
    expect(split).toEqual({ notDue: 32, overdue: 8 });
    expect(problemsOf({ ...head, levels: { commune: { agencies: 3, resolved: 1, resolvedOnTime: 1, inProgressAtEnd: { all: 4 } } } })).toEqual([
      { field: 'levels.commune.inProgressAtEnd', rule: 'must be {"notDue": N, "overdue": N} or {"total": N}' },
    ]);
  });

  it('checks levels against the total field by field, and shares what the total leaves among the levels that do not give a figure', () => {
    const levels = {
      province: { agencies: 19, resolved: 600, resolvedOnTime: 590 },
      commune: { agencies: 40, resolved: 300, resolvedOnTime: 299, received: 320 },
    };
    const profile = loaded({ ...head, levels, total: { agencies: 59, resolved: 900, resolvedOnTime: 889, received: 950, inProgressAtEnd: { total: 30 } } });
    expect(profile.levels.province?.received).toBe(630);
    expect(profile.levels.commune?.received).toBe(320);
    const open = (l: 'province' | 'commune') => (profile.levels[l]?.inProgressAtEnd?.notDue ?? 0) + (profile.levels[l]?.inProgressAtEnd?.overdue ?? 0);
    expect(open('province') + open('commune')).toBe(30);
    expect(problemsOf({ ...head, levels, total: { resolved: 901, resolvedOnTime: 889, received: 300 } })).toEqual([
      { field: 'total.resolved', rule: "must equal the levels' sum: province 600 + commune 300 = 900 ≠ 901" },
      { field: 'total.received', rule: "must be at least the levels' sum: commune 320 = 320 > 300" },
    ]);
    expect(problemsOf({ ...head, levels, total: { agencies: 60, resolved: 900, resolvedOnTime: 889 } })).toEqual([
      { field: 'total.agencies', rule: "must equal the levels' sum: province 19 + commune 40 = 59 ≠ 60" },
    ]);
  });
});

describe('profiles on the two-tier map (no district level from 1 Jul 2025)', () => {
  const commune = { agencies: 3, resolved: 200, resolvedOnTime: 190 };
  const district = { agencies: 2, resolved: 50, resolvedOnTime: 49 };
  const head = (from: string, to: string) => ({ name: 'tier', title: 'Cấp', period: { from, to } });

  it('takes a commune-only profile of a period after 2025-06-30 without a province level', () => {
    expect(Object.keys(load({ ...head('2025-07-01', '2025-09-30'), levels: { commune } }).levels)).toEqual(['commune']);
  });

  it('refuses district figures for a period from 2025-07-01, naming the level and the day', () => {
    expect(problemsOf({ ...head('2025-07-01', '2025-09-30'), levels: { district, commune } })).toEqual([
      {
        field: 'levels.district',
        rule: 'must not be given for a period from 2025-07-01 on (from 2025-07-01): the district level was abolished on 2025-07-01; give its dossiers under the province or the communes',
      },
    ]);
  });

  it('takes district figures for a period that starts before 2025-07-01, even one that runs past it', () => {
    expect(load({ ...head('2025-06-30', '2025-09-30'), levels: { district } }).levels.district).toEqual(district);
    expect(load({ ...head('2024-07-01', '2024-12-31'), levels: { district } }).levels.district).toEqual(district);
  });
});
