import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCY_LEVELS, loadAgencyRegistry, localDay, type AgencyRegistry } from '@tthc/core';
import { loadProfile } from '../profile/profile';
import { simulateProfile } from '../profile-simulation/simulate-profile';
import { figuresByMap } from './figures-by-map';
import { mergerRegistry } from './merger-registry';
import { reorganiseEvents } from './reorganise-events';
import { reorganisationProblems } from './reorganise-simulation';

const ON = '2025-07-01';
const loaded = loadProfile(JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/profiles/lam-dong-2025-merger.json'), 'utf8')));
if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
const profile = loaded.profile;
const simulation = simulateProfile(profile, { seed: 11 });
const after = mergerRegistry(simulation.registry, ON);
const registryOf = (file: unknown): AgencyRegistry => {
  const r = loadAgencyRegistry(file);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.registry;
};
const registry = registryOf(after);
const events = () => reorganiseEvents(simulation.events(), registry, ON);

describe('a simulated re-organisation on 1 Jul 2025', () => {
  it('ends every old agency the day before, with successors on the new two-tier map, and authorises the system by date', () => {
    expect(registry.countByLevel('2025-06-30')).toEqual(
      simulation.registry.agencies.reduce((c, a) => ({ ...c, [a.level]: c[a.level] + 1 }), { province: 0, district: 0, commune: 0 }),
    );
    const today = registry.countByLevel(ON);
    expect(today.district).toBe(0);
    expect(today.province).toBe(6);
    // 8 communes in 3 districts merge two by two within their district: 3 + 3 + 2 old communes make 2 + 2 + 1.
    expect(today.commune).toBe(5);
    const district = after.agencies.find((a) => a.level === 'district');
    expect(district?.successors?.length).toBe(2);
    const source = after.systems[0]?.source ?? '';
    expect(registry.mayPublish(source, district?.code ?? '', '2025-06-30')).toBe(true);
    expect(registry.mayPublish(source, district?.code ?? '', ON)).toBe(false);
  });

  it('names agencies of the new map in every receipt from the day on, and has dossiers that cross the date', () => {
    const all = [...events()];
    const receipts = all.flatMap((e) =>
      e.type === 'vn.gov.tthc.dossier.received.v2' ? [[localDay(e.data.receivedAt), e.data.processingAgencyCode] as const] : [],
    );
    const notInForce = receipts.filter(([day, code]) => registry.agencyOn(code, day) === undefined);
    expect(notInForce).toEqual([]);
    expect(receipts.filter(([day]) => day >= ON).length).toBeGreaterThan(1000);
    // Received before the date and still open on it.
    expect(figuresByMap(all, registry, { from: ON, to: '2025-12-31' }, ON).total.carriedOver).toBeGreaterThan(50);
  });

  it('gives figures on both maps that balance per level, with the profile its figures on the old map', () => {
    const year = profile.period;
    const eachDay = figuresByMap(events(), registry, year, 'each-day');
    const todays = figuresByMap(events(), registry, year, '2025-12-31');
    for (const figures of [eachDay, todays]) {
      for (const level of AGENCY_LEVELS) {
        const f = figures.levels[level];
        const inflow = f.carriedOver + f.received + f.transferredIn;
        const outflow = f.resolved + f.inProgressAtEnd.notDue + f.inProgressAtEnd.overdue + f.withdrawn + f.handedBack + f.transferredOut;
        expect({ map: figures.map, level, inflow }).toEqual({ map: figures.map, level, inflow: outflow });
      }
    }
    // By the map of each day: the districts' figures up to the date, at commune level after it.
    const p = profile.levels;
    expect(eachDay.levels.district.carriedOver).toBe(p.district?.carriedOver);
    expect(eachDay.levels.district.inProgressAtEnd).toEqual({ notDue: 0, overdue: 0 });
    expect(eachDay.levels.district.transferredOut).toBeGreaterThan(0);
    expect(eachDay.levels.commune.transferredIn).toBe(eachDay.levels.district.transferredOut);
    // On today's map every district's dossier is a commune's: the old levels' figures add up.
    expect(todays.levels.district.received).toBe(0);
    expect(todays.levels.province.received).toBe(p.province?.received);
    expect(todays.levels.commune.received).toBe((p.district?.received ?? 0) + (p.commune?.received ?? 0));
    expect(todays.levels.commune.resolved).toBe((p.district?.resolved ?? 0) + (p.commune?.resolved ?? 0));
    for (const key of ['received', 'resolved', 'carriedOver', 'withdrawn', 'handedBack'] as const) expect(eachDay.total[key]).toBe(todays.total[key]);
    expect(eachDay.total).toEqual({ ...todays.total, transferredIn: 0, transferredOut: 0 });
  });
});

describe('reorganisationProblems', () => {
  it('refuses a profile whose period starts on the two-tier map, which it is simulated on already', () => {
    expect(reorganisationProblems({ from: '2025-01-01', to: '2025-12-31' }, ON)).toEqual([]);
    expect(reorganisationProblems({ from: '2025-07-01', to: '2025-12-31' }, '2025-10-01')).toEqual([
      { field: 'reorganiseOn', rule: 'needs a profile whose period starts on the old map, before 2025-07-01: 2025-07-01' },
    ]);
  });
});
