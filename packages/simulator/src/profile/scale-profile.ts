import { loadProfile, type LevelProfile, type ProfileLoadResult, type SimulationProfile } from './profile';

/**
 * A profile with every dossier figure multiplied by `factor` and rounded half up; agency counts stay.
 * Rounding is monotone, so "at most" rules still hold; an equality (the balance) may not, and the
 * scaled profile is then refused like any other, naming the imbalance.
 */
export function scaleProfile(profile: SimulationProfile, factor: number): ProfileLoadResult {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`scale must be a number above 0, not ${factor}`);
  const s = (n: number) => Math.floor(n * factor + 0.5);
  const level = (f: LevelProfile): LevelProfile => ({
    agencies: f.agencies,
    resolved: s(f.resolved),
    resolvedOnTime: s(f.resolvedOnTime),
    ...(f.resolvedEarly !== undefined ? { resolvedEarly: s(f.resolvedEarly) } : {}),
    ...(f.received !== undefined ? { received: s(f.received) } : {}),
    ...(f.carriedOver !== undefined ? { carriedOver: s(f.carriedOver) } : {}),
    ...(f.inProgressAtEnd !== undefined ? { inProgressAtEnd: { notDue: s(f.inProgressAtEnd.notDue), overdue: s(f.inProgressAtEnd.overdue) } } : {}),
    ...(f.withdrawn !== undefined ? { withdrawn: s(f.withdrawn) } : {}),
    ...(f.handedBack !== undefined ? { handedBack: s(f.handedBack) } : {}),
  });
  const levels = Object.fromEntries(Object.entries(profile.levels).map(([name, f]) => [name, level(f)]));
  return loadProfile({
    ...profile,
    name: factor === 1 ? profile.name : `${profile.name}-x${factor}`,
    title: factor === 1 ? profile.title : `${profile.title} (×${factor})`,
    levels,
    ...(profile.receivedOnline !== undefined ? { receivedOnline: s(profile.receivedOnline) } : {}),
    ...(profile.fullProcessOnline !== undefined
      ? { fullProcessOnline: { resolved: s(profile.fullProcessOnline.resolved), resolvedOnline: s(profile.fullProcessOnline.resolvedOnline) } }
      : {}),
    ...(profile.onlinePayments !== undefined ? { onlinePayments: s(profile.onlinePayments) } : {}),
  });
}
