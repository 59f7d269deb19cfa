import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCY_LEVELS, formatProblems, loadAgencyRegistry, parseDossierEvent, percentHalfUp } from '@tthc/core';
import { loadProfile } from '../profile/profile';
import { simulateProfile } from './simulate-profile';

const fixturePath = join(__dirname, '../../../../test/fixtures/profiles/lam-dong-2024-h1.json');

/**
 * The full-size fixture: planned (not folded, which the ÷ 40 test does through the projection; the
 * full fold runs in the end-to-end test). The figures the simulator will produce hold the seed's.
 */
describe('the Lâm Đồng H1 2024 profile, full size', () => {
  const loaded = loadProfile(JSON.parse(readFileSync(fixturePath, 'utf8')));
  if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
  const profile = loaded.profile;
  const simulation = simulateProfile(profile, { seed: 2024 });

  it('plans figures equal to every figure of the fixture, and the rates the report prints', () => {
    const { figures } = simulation;
    for (const level of AGENCY_LEVELS) expect([level, figures.levels[level]]).toEqual([level, expect.objectContaining(profile.levels[level])]);
    expect(figures.receivedOnline).toBe(342_523);
    expect(figures.fullProcessOnline).toEqual({ resolved: 87_533, resolvedOnline: 87_036 });
    expect(figures.onlinePayments.count).toBe(191_643);
    expect(AGENCY_LEVELS.map((l) => percentHalfUp(figures.levels[l].resolvedOnTime, figures.levels[l].resolved))).toEqual([96.02, 97.76, 99.91]);
    const registry = loadAgencyRegistry(simulation.registry);
    if (!registry.ok) throw new Error(formatProblems(registry.problems));
    expect(registry.registry.countByLevel(profile.period.to)).toEqual({ province: 19, district: 12, commune: 142 });
  });

  it('yields about 1.3 million events', () => {
    expect(simulation.dossiers).toBeGreaterThan(400_000);
    expect(simulation.eventCount).toBeGreaterThan(1_200_000);
    expect(simulation.eventCount).toBeLessThan(1_500_000);
  });

  it('starts with valid events, in time order', () => {
    let previous = -Infinity;
    let n = 0;
    const problems: string[] = [];
    for (const event of simulation.events()) {
      const parsed = parseDossierEvent(JSON.stringify(event));
      if (!parsed.ok) problems.push(formatProblems(parsed.problems));
      const t = Date.parse(event.time);
      if (t < previous) problems.push(`${event.id} out of order`);
      previous = t;
      if ((n += 1) === 2000) break;
    }
    expect(problems).toEqual([]);
  });
});
