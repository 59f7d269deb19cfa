export { MERGED_PROVINCE, mergerRegistry } from './merger-registry';
export { reorganiseEvents } from './reorganise-events';
export { figuresByMap, type MapFigures, type MapLevelFigures } from './figures-by-map';
export { reorganiseSimulation, reorganisationProblems, type ReorganisedSimulation } from './reorganise-simulation';
