export { apportion, apportionCapped } from './apportion';
export { SHARES, chooseFigures, type FigureChoice, type FigureChoiceResult, type LevelAllocation, type Outflow } from './choose-figures';
export {
  SimulationRefused,
  simulateProfile,
  trySimulateProfile,
  type ProfileSimulation,
  type ProfileSimulationResult,
  type SimulateOptions,
  type SimulatedCounts,
  type SimulatedEvents,
  type SimulatedFigures,
  type SimulatedLevelFigures,
} from './simulate-profile';
export { SIMULATION_PROVINCE, SIMULATION_SOURCE, simulationRegistry, type SimulationAgencies } from './simulation-registry';
