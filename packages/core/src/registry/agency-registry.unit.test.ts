import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblems } from '../events/validation';
import { loadAgencyRegistry, type AgencyRegistry } from './agency-registry';
import type { AgencyRecord, AgencyRegistryFile } from './agency-registry-file';

const samplePath = join(__dirname, '../../../../test/fixtures/registry/lam-dong-sample.json');
const sample = (): unknown => JSON.parse(readFileSync(samplePath, 'utf8'));

function load(value: unknown): AgencyRegistry {
  const result = loadAgencyRegistry(value);
  if (!result.ok) throw new Error(formatProblems(result.problems));
  return result.registry;
}

const PROVINCE = '000.00.00.H36';
const DISTRICT = '000.00.31.H36';
const C1 = '000.01.31.H36';
const C2 = '000.02.31.H36';

const agency = (
  code: string,
  level: AgencyRecord['level'],
  parent: string | null,
  validFrom: string,
  validTo: string | null = null,
  successor: string | null = null,
): AgencyRegistryFile['agencies'][number] => ({ code, name: `Agency ${code}`, level, parent, validFrom, validTo, successor });

/** A small valid registry: a province, a district abolished 2025-06-30, a commune re-parented, one merged into it. */
const base = (): AgencyRegistryFile => ({
  agencies: [
    agency(PROVINCE, 'province', null, '2020-01-01'),
    agency(DISTRICT, 'district', PROVINCE, '2020-01-01', '2025-06-30'),
    agency(C1, 'commune', DISTRICT, '2020-01-01', '2025-06-30'),
    agency(C1, 'commune', PROVINCE, '2025-07-01'),
    agency(C2, 'commune', DISTRICT, '2020-01-01', '2025-06-30', C1),
  ],
  systems: [{ source: 'urn:tthc:test-motcua', name: 'Test one-stop shop', agencies: [PROVINCE, DISTRICT, C1, C2] }],
});

type Mutation = (file: AgencyRegistryFile) => void;
const problemsOf = (mutate: Mutation) => {
  const file = base();
  mutate(file);
  const result = loadAgencyRegistry(file);
  return result.ok ? [] : result.problems;
};

describe('agency registry: the Lâm Đồng sample', () => {
  it('loads', () => {
    const result = loadAgencyRegistry(sample());
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('finds the record valid on a day, across the 2025 merge', () => {
    const registry = load(sample());
    expect(registry.agencyOn('000.02.31.H36', '2025-06-30')?.name).toBe('UBND xã Hiệp An');
    expect(registry.agencyOn('000.02.31.H36', '2025-07-01')).toBeUndefined();
    expect(registry.agencyOn('000.02.31.H36', '2019-12-31')).toBeUndefined();
    expect(registry.agencyOn('000.01.32.H36', '2025-06-30')).toMatchObject({ name: 'UBND thị trấn Nam Ban', parent: '000.00.32.H36' });
    expect(registry.agencyOn('000.01.32.H36', '2025-07-01')).toMatchObject({ name: 'UBND xã Nam Ban Lâm Hà', parent: PROVINCE });
    expect(registry.agencyOn('000.99.99.H36', '2025-07-01')).toBeUndefined();
  });

  it('gives the level on a day; districts are gone from 1 Jul 2025', () => {
    const registry = load(sample());
    expect(registry.levelOf('000.00.31.H36', '2025-06-30')).toBe('district');
    expect(registry.levelOf('000.00.31.H36', '2025-07-01')).toBeUndefined();
    expect(registry.levelOf('000.00.01.H36', '2025-07-01')).toBe('province');
    expect(registry.levelOf('000.03.31.H36', '2025-07-01')).toBe('commune');
  });

  it.each([
    ['2019-12-31', { province: 0, district: 0, commune: 0 }],
    ['2024-06-30', { province: 6, district: 2, commune: 6 }],
    ['2025-03-01', { province: 5, district: 2, commune: 6 }],
    ['2025-06-30', { province: 5, district: 2, commune: 6 }],
    ['2025-07-01', { province: 5, district: 0, commune: 5 }],
  ])('counts agencies by level on %s', (day, counts) => {
    expect(load(sample()).countByLevel(day)).toEqual(counts);
  });

  it('lists agencies by level and day, sorted by code', () => {
    const registry = load(sample());
    expect(registry.agencies()).toHaveLength(19);
    expect(registry.agencies('district').map((a) => a.code)).toEqual(['000.00.31.H36', '000.00.32.H36']);
    expect(registry.agencies('district', '2025-07-01')).toEqual([]);
    expect(registry.agencies('commune', '2025-07-01').map((a) => a.code)).toEqual([
      '000.01.31.H36',
      '000.01.32.H36',
      '000.02.32.H36',
      '000.03.31.H36',
      '000.03.32.H36',
    ]);
    expect(registry.agencies(undefined, '2025-07-01')).toHaveLength(10);
    const nb = registry.agencies('commune').filter((a) => a.code === '000.01.32.H36');
    expect(nb.map((a) => a.validFrom)).toEqual(['2020-01-01', '2025-07-01']);
  });

  it('resolves a merged commune and department to their successors on a later day', () => {
    const registry = load(sample());
    expect(registry.resolve('000.02.31.H36', '2024-03-15')?.name).toBe('UBND xã Hiệp An');
    expect(registry.resolve('000.02.31.H36', '2025-08-01')).toMatchObject({ code: '000.01.31.H36', parent: PROVINCE, validFrom: '2025-07-01' });
    expect(registry.resolve('000.00.02.H36', '2025-03-01')?.name).toBe('Sở Tài chính');
    expect(registry.resolve('000.01.32.H36', '2025-08-01')?.name).toBe('UBND xã Nam Ban Lâm Hà');
  });

  it('resolves to nothing for an abolished district, an unknown code, or a day before the agency existed', () => {
    const registry = load(sample());
    expect(registry.resolve('000.00.31.H36', '2025-08-01')).toBeUndefined();
    expect(registry.resolve('000.99.99.H36', '2025-08-01')).toBeUndefined();
    expect(registry.resolve('000.02.31.H36', '2019-06-01')).toBeUndefined();
  });

  it('says which system may publish for which agency', () => {
    const registry = load(sample());
    expect(registry.mayPublish('urn:tthc:lamdong-motcua', '000.00.31.H36')).toBe(true);
    expect(registry.mayPublish('urn:tthc:btp-hotich', '000.02.31.H36')).toBe(true);
    expect(registry.mayPublish('urn:tthc:btp-hotich', '000.00.04.H36')).toBe(false);
    expect(registry.mayPublish('urn:tthc:unknown', '000.00.01.H36')).toBe(false);
    expect(registry.mayPublish('urn:tthc:lamdong-motcua', '000.99.99.H36')).toBe(false);
  });

  it('round-trips through toJSON, so a registry can travel with generated data', () => {
    const original = sample();
    const registry = load(original);
    expect(registry.toJSON()).toEqual(original);
    const again = load(JSON.parse(JSON.stringify(registry)));
    expect(again.toJSON()).toEqual(original);
  });

  it('hands out copies: changing toJSON output does not change the registry', () => {
    const registry = load(sample());
    const file = registry.toJSON();
    file.agencies[0]!.name = 'changed';
    file.systems[0]!.agencies.length = 0;
    expect(registry.agencyOn(PROVINCE, '2024-01-01')?.name).toBe('UBND tỉnh Lâm Đồng');
    expect(registry.mayPublish('urn:tthc:lamdong-motcua', PROVINCE)).toBe(true);
  });

  it.each(['2025-7-1', '01/07/2025', ''])('refuses a malformed day %j in lookups', (day) => {
    const registry = load(sample());
    expect(() => registry.agencyOn(PROVINCE, day)).toThrow(RangeError);
    expect(() => registry.resolve(PROVINCE, day)).toThrow(RangeError);
    expect(() => registry.countByLevel(day)).toThrow(RangeError);
    expect(() => registry.agencies('province', day)).toThrow(RangeError);
  });
});

describe('agency registry: successor chains', () => {
  it('follows a chain of successors to the agency valid on the day', () => {
    const registry = load({
      agencies: [
        agency(PROVINCE, 'province', null, '2020-01-01'),
        agency('000.01.00.H36', 'commune', PROVINCE, '2020-01-01', '2024-12-31', '000.02.00.H36'),
        agency('000.02.00.H36', 'commune', PROVINCE, '2025-01-01', '2025-06-30', '000.03.00.H36'),
        agency('000.03.00.H36', 'commune', PROVINCE, '2025-07-01'),
      ],
      systems: [],
    });
    expect(registry.resolve('000.01.00.H36', '2024-12-31')?.code).toBe('000.01.00.H36');
    expect(registry.resolve('000.01.00.H36', '2025-01-01')?.code).toBe('000.02.00.H36');
    expect(registry.resolve('000.01.00.H36', '2026-01-01')?.code).toBe('000.03.00.H36');
    expect(registry.resolve('000.02.00.H36', '2026-01-01')?.code).toBe('000.03.00.H36');
  });

  it('terminates on a chain that comes back to an earlier code (re-organisation undone)', () => {
    const A = '000.01.00.H36';
    const B = '000.02.00.H36';
    const registry = load({
      agencies: [
        agency(PROVINCE, 'province', null, '2020-01-01'),
        agency(A, 'commune', PROVINCE, '2020-01-01', '2024-12-31', B),
        agency(B, 'commune', PROVINCE, '2025-01-01', '2025-06-30', A),
        agency(A, 'commune', PROVINCE, '2025-07-01'),
      ],
      systems: [],
    });
    expect(registry.resolve(A, '2025-03-01')?.code).toBe(B);
    expect(registry.resolve(A, '2025-08-01')).toMatchObject({ code: A, validFrom: '2025-07-01' });
    expect(registry.resolve(B, '2025-08-01')).toMatchObject({ code: A, validFrom: '2025-07-01' });
  });
});

describe('agency registry: loading refuses bad files, naming the field and the rule', () => {
  it('accepts the base file used below', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  const cases: readonly [string, Mutation, string, string | RegExp][] = [
    // shape
    ['a malformed agency code', (f) => void (f.agencies[0]!.code = 'SO-TU-PHAP'), 'agencies.0.code', /agency code/],
    ['an unknown level', (f) => void (f.agencies[0]!.level = 'ward' as 'province'), 'agencies.0.level', 'must be province, district or commune'],
    ['a name over 200 characters', (f) => void (f.agencies[0]!.name = 'x'.repeat(201)), 'agencies.0.name', 'must be at most 200 characters'],
    ['an empty name', (f) => void (f.agencies[0]!.name = '  '), 'agencies.0.name', 'must not be empty'],
    ['a date that is not YYYY-MM-DD', (f) => void (f.agencies[0]!.validFrom = '01/01/2020'), 'agencies.0.validFrom', /YYYY-MM-DD/],
    [
      'a missing field',
      (f) => {
        delete (f.agencies[0] as Partial<AgencyRegistryFile['agencies'][number]>).successor;
      },
      'agencies.0.successor',
      /./,
    ],
    ['a system source that is not a URN', (f) => void (f.systems[0]!.source = 'lamdong'), 'systems.0.source', /URN/],
    ['a malformed code in a system', (f) => void (f.systems[0]!.agencies[1] = 'H36'), 'systems.0.agencies.1', /agency code/],
    [
      'more than 20,000 agency records',
      (f) => void (f.agencies = Array.from({ length: 20_001 }, () => agency(PROVINCE, 'province', null, '2020-01-01'))),
      'agencies',
      'must hold at most 20000 agency records',
    ],
    [
      'more than 1,000 systems',
      (f) => void (f.systems = Array.from({ length: 1_001 }, (_, i) => ({ source: `urn:tthc:s${i}`, name: 's', agencies: [] }))),
      'systems',
      'must hold at most 1000 systems',
    ],
    // cross-references
    ['validTo before validFrom', (f) => void (f.agencies[4]!.validTo = '2019-12-31'), 'agencies.4.validTo', 'validTo must not be before validFrom'],
    [
      'overlapping records of one code',
      (f) => void (f.agencies[3]!.validFrom = '2025-06-30'),
      'agencies.3.validFrom',
      'validity overlaps agencies.2 with the same code',
    ],
    [
      'a repeated open-ended code',
      (f) => void f.agencies.push(agency(PROVINCE, 'province', null, '2024-01-01')),
      'agencies.5.validFrom',
      'validity overlaps agencies.0 with the same code',
    ],
    ['an unknown parent', (f) => void (f.agencies[2]!.parent = '000.00.99.H36'), 'agencies.2.parent', 'must name an agency in the registry'],
    ['a commune without parent', (f) => void (f.agencies[2]!.parent = null), 'agencies.2.parent', 'parent is required for district and commune agencies'],
    ['a district without parent', (f) => void (f.agencies[1]!.parent = null), 'agencies.1.parent', 'parent is required for district and commune agencies'],
    ['an agency as its own parent', (f) => void (f.agencies[0]!.parent = PROVINCE), 'agencies.0.parent', 'parent must not be the agency itself'],
    [
      'a parent that ends before the agency',
      (f) => void (f.agencies[3]!.parent = DISTRICT),
      'agencies.3.parent',
      "parent must be valid throughout this agency's validity",
    ],
    [
      'a parent that starts after the agency',
      (f) => void (f.agencies[1]!.validFrom = '2021-01-01'),
      'agencies.2.parent',
      "parent must be valid throughout this agency's validity",
    ],
    ['a district under a commune', (f) => void (f.agencies[1]!.parent = C1), 'agencies.1.parent', 'parent of a district must be province level'],
    ['a commune under a commune', (f) => void (f.agencies[4]!.parent = C1), 'agencies.4.parent', 'parent of a commune must be a district or province level'],
    ['a successor without validTo', (f) => void (f.agencies[0]!.successor = C1), 'agencies.0.successor', 'successor requires validTo'],
    ['an unknown successor', (f) => void (f.agencies[4]!.successor = '000.09.31.H36'), 'agencies.4.successor', 'must name an agency in the registry'],
    [
      'a successor not valid the day after',
      (f) => void (f.agencies[4]!.successor = DISTRICT),
      'agencies.4.successor',
      'successor must be valid the day after validTo (2025-07-01)',
    ],
    ['an unknown agency in a system', (f) => void f.systems[0]!.agencies.push('000.09.31.H36'), 'systems.0.agencies.4', 'must name an agency in the registry'],
    ['a repeated agency in a system', (f) => void f.systems[0]!.agencies.push(PROVINCE), 'systems.0.agencies.4', 'duplicates systems.0.agencies.0'],
    [
      'a duplicate system source',
      (f) => void f.systems.push({ source: 'urn:tthc:test-motcua', name: 'Copy', agencies: [] }),
      'systems.1.source',
      'duplicates systems.0.source',
    ],
  ];

  it.each(cases)('refuses %s', (_name, mutate, field, rule) => {
    const problems = problemsOf(mutate);
    expect(problems.length).toBeGreaterThan(0);
    const problem = problems.find((p) => p.field === field);
    expect({ field: problem?.field, rule: problem?.rule }).toEqual({
      field,
      rule: typeof rule === 'string' ? rule : (expect.stringMatching(rule) as unknown),
    });
  });

  it('refuses unknown fields, so personal data cannot slip in', () => {
    const problems = problemsOf((f) => Object.assign(f.agencies[0]!, { director: 'Nguyễn Văn A' }));
    expect(problems).toEqual([{ field: 'agencies.0', rule: 'unknown field(s) not allowed: director' }]);
    const top = problemsOf((f) => Object.assign(f, { comment: 'x' }));
    expect(top).toEqual([{ field: '(message)', rule: 'unknown field(s) not allowed: comment' }]);
    const system = problemsOf((f) => Object.assign(f.systems[0]!, { contact: 'a@b.vn' }));
    expect(system).toEqual([{ field: 'systems.0', rule: 'unknown field(s) not allowed: contact' }]);
  });

  it.each([null, 'agencies', [], 42])('refuses %j as a whole', (value) => {
    const result = loadAgencyRegistry(value);
    expect(result).toMatchObject({ ok: false, problems: [{ field: '(message)' }] });
  });

  it('reports every problem, not just the first', () => {
    const problems = problemsOf((f) => {
      f.agencies[2]!.parent = '000.00.99.H36';
      f.agencies[3]!.validFrom = '2025-06-30';
      f.agencies[0]!.successor = C1;
      f.systems[0]!.agencies.push('000.09.31.H36');
    });
    expect(problems.map((p) => p.field).sort()).toEqual(['agencies.0.successor', 'agencies.2.parent', 'agencies.3.validFrom', 'systems.0.agencies.4'].sort());
  });

  it('reports every schema problem before any cross-reference', () => {
    const problems = problemsOf((f) => {
      f.agencies[0]!.code = 'bad';
      f.agencies[1]!.level = 'ward' as 'province';
      f.agencies[2]!.parent = '000.00.99.H36'; // a cross-reference problem, not reported while the shape is wrong
    });
    expect(problems.map((p) => p.field)).toEqual(['agencies.0.code', 'agencies.1.level']);
  });
});

describe('agency registry: the re-organisation of 1 Jul 2025 (test/fixtures/registry/lam-dong-merger-2025.json)', () => {
  const merger = () => load(JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/registry/lam-dong-merger-2025.json'), 'utf8')));
  const codes = (records: readonly AgencyRecord[]) => records.map((r) => r.code);

  it('hands an ended agency’s work to the agencies in force after it, the re-cutting successor first', () => {
    const registry = merger();
    expect(codes(registry.handlersOn('000.02.31.H36', '2025-06-30'))).toEqual(['000.02.31.H36']);
    expect(codes(registry.handlersOn('000.02.31.H36', '2025-07-01'))).toEqual(['000.01.01.T68']);
    // A district whose work went to two communes; history is re-cut under the first.
    expect(codes(registry.handlersOn('000.00.31.H36', '2025-07-04'))).toEqual(['000.01.01.T68', '000.02.01.T68']);
    expect(registry.resolve('000.00.31.H36', '2025-07-04')?.code).toBe('000.01.01.T68');
    // Three provinces' departments into one.
    for (const old of ['000.00.01.H36', '000.00.01.H42', '000.00.01.H48']) expect(codes(registry.handlersOn(old, '2026-01-01'))).toEqual(['000.00.01.T68']);
    expect(registry.handlersOn('000.01.01.T68', '2025-06-30')).toEqual([]);
    expect(registry.handlersOn('000.99.99.H36', '2025-07-01')).toEqual([]);
  });

  it('authorises a system for an agency only between the days of its authorisation', () => {
    const registry = merger();
    expect(registry.mayPublish('urn:tthc:daknong-motcua', '000.01.31.H42', '2025-06-30')).toBe(true);
    expect(registry.mayPublish('urn:tthc:daknong-motcua', '000.01.31.H42', '2025-07-01')).toBe(false);
    expect(registry.mayPublish('urn:tthc:lamdong-motcua', '000.01.01.T68', '2025-06-30')).toBe(false);
    expect(registry.mayPublish('urn:tthc:lamdong-motcua', '000.01.01.T68', '2025-07-01')).toBe(true);
    // Undated agencies, on any day; a dated one, without a day, on some day.
    expect(registry.mayPublish('urn:tthc:btp-hotich', '000.01.31.H42', '2030-01-01')).toBe(true);
    expect(registry.mayPublish('urn:tthc:daknong-motcua', '000.01.31.H42')).toBe(true);
  });

  it('round-trips the new fields through toJSON', () => {
    const registry = merger();
    expect(load(registry.toJSON()).toJSON()).toEqual(registry.toJSON());
    expect(registry.toJSON().agencies.find((a) => a.code === '000.00.31.H36')?.successors).toEqual(['000.01.01.T68', '000.02.01.T68']);
  });

  it.each<[string, Mutation, string, string | RegExp]>([
    ['successors without successor', (f) => void (f.agencies[4]!.successors = [PROVINCE, DISTRICT]), 'agencies.4.successors', /must include successor/],
    ['one successor only in successors', (f) => void (f.agencies[4]!.successors = [C1]), 'agencies.4.successors', /at least two/],
    [
      'a successor not in force the day after',
      (f) => void (f.agencies[4]!.successors = [C1, DISTRICT]),
      'agencies.4.successors.1',
      'must be valid the day after validTo (2025-07-01)',
    ],
    [
      'an authorisation that overlaps another',
      (f) =>
        void (f.systems[0]!.authorisations = [
          { code: C2, validFrom: '2020-01-01', validTo: '2025-06-30' },
          { code: C2, validFrom: '2025-06-01', validTo: null },
        ]),
      'systems.0.authorisations.1.validFrom',
      'overlaps systems.0.authorisations.0 for the same agency',
    ],
    [
      'an authorisation of an agency the system has on every day',
      (f) => void (f.systems[0]!.authorisations = [{ code: PROVINCE, validFrom: '2020-01-01', validTo: null }]),
      'systems.0.authorisations.0.code',
      'is in systems.0.agencies.0 already, authorised on every day',
    ],
    [
      'an authorisation ending before it starts',
      (f) => void (f.systems[0]!.authorisations = [{ code: '000.09.31.H36', validFrom: '2025-01-01', validTo: '2024-01-01' }]),
      'systems.0.authorisations.0.validTo',
      'validTo must not be before validFrom',
    ],
  ])('refuses %s', (_name, mutate, field, rule) => {
    const problems = problemsOf((f) => {
      f.systems[0]!.agencies = f.systems[0]!.agencies.filter((c) => c !== C2);
      mutate(f);
    });
    expect(problems).toContainEqual({ field, rule: typeof rule === 'string' ? rule : (expect.stringMatching(rule) as unknown) });
  });
});
