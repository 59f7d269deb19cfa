import { scaleProfile, simulateProfile } from '@tthc/simulator';
import { readProfile } from './dataset';
import { DEFAULT_PROFILE } from './options';
import { countReadBack } from './states-read-back';

describe('the read-back count of dossier states', () => {
  const scaled = scaleProfile(readProfile(DEFAULT_PROFILE), 0.05);
  if (!scaled.ok) throw new Error('profile');
  const simulation = simulateProfile(scaled.profile, { seed: 2024 });

  it('reads nothing back when every dossier in flight fits, and more the less room there is', () => {
    const roomy = countReadBack(simulation.events(), 200_000, false);
    const cramped = countReadBack(simulation.events(), 500, false);
    expect(roomy.events).toBe(simulation.eventCount);
    expect(roomy.readBack).toBe(0);
    expect(cramped.readBack).toBeGreaterThan(0);
    expect(cramped.maxHeld).toBeLessThanOrEqual(500);
  });

  it('reads back less when dossiers that can take no further event make room for those in flight', () => {
    const forgetting = countReadBack(simulation.events(), 1500, false);
    const keeping = countReadBack(simulation.events(), 1500, true);
    expect(forgetting.readBack).toBeLessThan(keeping.readBack);
  });
});
