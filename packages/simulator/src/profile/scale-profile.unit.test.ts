import { loadProfile, type SimulationProfile } from './profile';
import { scaleProfile } from './scale-profile';

const base: SimulationProfile = {
  name: 'p',
  title: 'P',
  period: { from: '2024-01-01', to: '2024-06-30' },
  levels: {
    province: { agencies: 19, resolved: 157_270, resolvedOnTime: 151_017 },
    commune: {
      agencies: 142,
      resolved: 197_113,
      resolvedOnTime: 196_936,
      received: 200_000,
      carriedOver: 5_000,
      inProgressAtEnd: { notDue: 6_000, overdue: 887 },
      withdrawn: 700,
      handedBack: 300,
    },
  },
  receivedOnline: 342_523,
  fullProcessOnline: { resolved: 87_533, resolvedOnline: 87_036 },
  onlinePayments: 191_643,
};

describe('scaleProfile', () => {
  it('scales dossier figures, rounding half up, and keeps the agencies', () => {
    expect(loadProfile(base).ok).toBe(true);
    const scaled = scaleProfile(base, 0.01);
    if (!scaled.ok) throw new Error(JSON.stringify(scaled.problems));
    expect(scaled.profile.levels.province).toEqual({ agencies: 19, resolved: 1573, resolvedOnTime: 1510 });
    expect(scaled.profile).toMatchObject({
      name: 'p-x0.01',
      receivedOnline: 3425,
      fullProcessOnline: { resolved: 875, resolvedOnline: 870 },
      onlinePayments: 1916,
    });
  });

  it('refuses a scale whose rounding breaks a balance, naming it', () => {
    const scaled = scaleProfile(base, 0.0013);
    expect(scaled.ok).toBe(false);
    if (!scaled.ok) expect(scaled.problems[0]).toMatchObject({ field: 'levels.commune', rule: expect.stringMatching(/does not balance/) as string });
  });

  it('refuses a factor that is not above 0', () => {
    expect(() => scaleProfile(base, 0)).toThrow(/above 0/);
  });
});
