import { loadAgencyRegistry, TWO_TIER_FROM, type AgencyRegistry, type FieldProblem } from '@tthc/core';
import type { ProfileSimulation } from '../profile-simulation/simulate-profile';
import { figuresByMap, type MapFigures } from './figures-by-map';
import { mergerRegistry } from './merger-registry';
import { reorganiseEvents } from './reorganise-events';

/** A simulation whose province is re-organised on `on`: the registry of both maps, the receipts from `on` on the new one. */
export interface ReorganisedSimulation extends ProfileSimulation {
  readonly on: string;
  /** The registry before the change: the old agencies with no end, as the province ran until then. */
  readonly registryBefore: ProfileSimulation['registry'];
  /** What the report of `period` must show by the map of each day, and on `period.to`'s map (today's). */
  figuresByMaps(period: { from: string; to: string }): { readonly eachDay: MapFigures; readonly today: MapFigures };
}

/** Why a re-organisation day does not fit the simulation's period, naming the option. */
export function reorganisationProblems(period: { from: string; to: string }, on: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (on <= period.from || on > period.to) {
    problems.push({ field: 'reorganiseOn', rule: `must be a day after the period's first (${period.from}) and not after its last (${period.to}): ${on}` });
  }
  // Such a profile is simulated on the merged province's map already (simulationMap): there is no old map to leave.
  if (period.from >= TWO_TIER_FROM) {
    problems.push({ field: 'reorganiseOn', rule: `needs a profile whose period starts on the old map, before ${TWO_TIER_FROM}: ${period.from}` });
  }
  return problems;
}

/**
 * Moves a simulation onto a new map on `on` (see `mergerRegistry`): its registry becomes the one
 * that knows both maps, and the receipts from that day name the new agencies; the figures the
 * simulator chose for the old map stay those of `figures`.
 */
export function reorganiseSimulation(simulation: ProfileSimulation, on: string): ReorganisedSimulation {
  const file = mergerRegistry(simulation.registry, on);
  const loaded = loadAgencyRegistry(file);
  if (!loaded.ok) throw new Error(`internal: the merger registry breaks the registry rules: ${JSON.stringify(loaded.problems)}`);
  const registry: AgencyRegistry = loaded.registry;
  const events = () => reorganiseEvents(simulation.events(), registry, on);
  return {
    ...simulation,
    on,
    registry: file,
    registryBefore: simulation.registry,
    events,
    figuresByMaps: (period) => ({ eachDay: figuresByMap(events(), registry, period, 'each-day'), today: figuresByMap(events(), registry, period, period.to) }),
  };
}
