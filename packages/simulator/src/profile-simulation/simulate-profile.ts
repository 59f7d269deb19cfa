import {
  AGENCY_LEVELS,
  AGENCY_REGISTRY_LIMITS,
  carriedOverInto,
  formatCount,
  formatProblems,
  TthcError,
  inProgressAtEndOf,
  sourceUrn,
  timelinessOfDay,
  type AgencyLevel,
  type AgencyRegistryFile,
  type AnyVersionDossierEvent,
  type CountsRow,
  type DayRange,
  type FieldProblem,
} from '@tthc/core';
import { profileProblems, type SimulationProfile } from '../profile/profile';
import { chooseFigures, dossiersIn, levelDossiers, type FigureChoice } from './choose-figures';
import { DayTable, dayNumber } from './day-table';
import { FastSeededRandom } from './fast-random';
import { dossierCode, dossierEvent, type EventContext } from './dossier-events';
import { EV, buildTimeline, hash2, receiptWeights, type Timeline, type TimelineContext } from './dossier-timeline';
import { CHANNEL, SERVICE, channelOf, serviceOf, planDossiers, type DossierPlans } from './plan-dossiers';
import { SIMULATION_SOURCE, agencyCounts, simulationRegistry } from './simulation-registry';

// A module binding for the event loop's hot path (see fast-random.ts: global lookups are slow under jest).
const { floor } = Math;

/**
 * The figures of one level (or, without `agencies`, of all) for the period: the report's row, less the
 * rates it derives and the all-level figures kept in `SimulatedFigures`.
 */
// A profile is of one map: nothing moves between its agencies, so it has no transfers.
export type SimulatedCounts = Omit<CountsRow, 'onTimeRate' | 'fullProcessOnline' | 'onlinePayments' | 'transferredIn' | 'transferredOut'>;
export type SimulatedLevelFigures = { readonly agencies: number } & SimulatedCounts;

/** Every figure the report shows for the period: the profile's, and those the simulator chose. Field names are the report's. */
export interface SimulatedFigures {
  readonly levels: Readonly<Record<AgencyLevel, SimulatedLevelFigures>>;
  readonly total: SimulatedCounts;
  readonly receivedOnline: number;
  readonly fullProcessOnline: { readonly resolved: number; readonly resolvedOnline: number };
  readonly onlinePayments: { readonly count: number; readonly amount: number };
}

/** A fresh iterator over a simulation's events, in time order, built on demand. */
export type SimulatedEvents = () => IterableIterator<AnyVersionDossierEvent>;

export interface ProfileSimulation {
  /** Agencies matching the profile (per level exactly its `agencies`) and one system that publishes for all. */
  readonly registry: AgencyRegistryFile;
  readonly figures: SimulatedFigures;
  /** Dossiers simulated, the online submissions refused at reception included. */
  readonly dossiers: number;
  readonly events: SimulatedEvents;
  /** How many events `events()` yields. */
  readonly eventCount: number;
}

export interface SimulateOptions {
  readonly seed: number;
  /** The publishing system (events' `source`); default `urn:tthc:simulated-motcua`. */
  readonly source?: string;
}

/** A profile that cannot be simulated, with every reason, each naming its field and numbers. */
export class SimulationRefused extends TthcError {
  readonly code = 'SIMULATION_REFUSED';
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    super(`the profile cannot be simulated: ${formatProblems(problems)}`);
    this.problems = problems;
  }
}

export type ProfileSimulationResult =
  { readonly ok: true; readonly simulation: ProfileSimulation } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** More would not fit the compact event index (or memory); a profile asks for far fewer. */
const MAX_DOSSIERS = 20_000_000;

const n = formatCount;

function refusals(profile: SimulationProfile, options: SimulateOptions): FieldProblem[] {
  const problems: FieldProblem[] = [...profileProblems(profile)];
  if (!Number.isInteger(options.seed)) problems.push({ field: 'seed', rule: `must be a whole number, got ${options.seed}` });
  if (options.source !== undefined && !sourceUrn.safeParse(options.source).success) {
    problems.push({ field: 'source', rule: `must be a URN such as urn:tthc:lamdong-motcua, got ${JSON.stringify(options.source)}` });
  }
  const { from, to } = profile.period;
  if (from === to) problems.push({ field: 'period', rule: `must span at least 2 days to simulate late and overdue dossiers: from ${from} to ${to}` });
  const counts = agencyCounts(profile.levels);
  const agencies = counts.province + counts.district + counts.commune;
  if (agencies > AGENCY_REGISTRY_LIMITS.agencies) {
    problems.push({ field: 'levels', rule: `must give at most ${n(AGENCY_REGISTRY_LIMITS.agencies)} agencies in all (the registry's limit): ${n(agencies)}` });
  }
  return problems;
}

const dossiersOf = (choice: FigureChoice) => AGENCY_LEVELS.reduce((s, l) => s + levelDossiers(choice.levels[l]), 0);

/**
 * Simulates a profile: dossier lifecycles whose events, projected over the profile's period,
 * reproduce every figure it gives, and plausible values for the others (see `chooseFigures`).
 * Deterministic for a seed. Plans each dossier in a few bytes, then sorts a compact index of
 * (instant, event) and rebuilds each event on demand, so the events are never all in memory.
 */
export function trySimulateProfile(profile: SimulationProfile, options: SimulateOptions): ProfileSimulationResult {
  const problems = refusals(profile, options);
  if (problems.length > 0) return { ok: false, problems };
  const chosen = chooseFigures(profile);
  if (!chosen.ok) return { ok: false, problems: chosen.problems };
  const choice = chosen.choice;
  const total = dossiersOf(choice);
  if (total > MAX_DOSSIERS) {
    return { ok: false, problems: [{ field: 'levels', rule: `ask for at most ${n(MAX_DOSSIERS)} dossiers in all (carried over and received): ${n(total)}` }] };
  }
  const seed = options.seed >>> 0;
  const source = options.source ?? SIMULATION_SOURCE;
  const { file: registry, agencies } = simulationRegistry(agencyCounts(profile.levels), profile.period.from, source);
  const plans = planDossiers(new FastSeededRandom(hash2(seed, 0xffffffff)), choice, agencies);

  const F = dayNumber(profile.period.from);
  const D = dayNumber(profile.period.to);
  const table = new DayTable(F - 400, D + 400);
  const children: number[][] = agencies.codes.map(() => []);
  agencies.parents.forEach((p, i) => {
    if (p >= 0 && agencies.levels[i] === 'commune') children[p]?.push(i);
  });
  const ctx: TimelineContext = { seed, from: F, to: D, table, receiptWeights: receiptWeights(table, F, D), agencies, children };

  // Pass 1: every timeline once, for the instants of its events, the dossier codes' serials and the tallies.
  const eventStart = new Int32Array(plans.count + 1);
  let seconds = new Float64Array(Math.max(16, plans.count * 4));
  let events = 0;
  const serial = new Uint32Array(plans.count);
  const serials = new Map<number, number>();
  const span = table.last - table.first + 1;
  const tally = new Tally(agencies.levels, profile.period, table);
  for (let i = 0; i < plans.count; i += 1) {
    const timeline = buildTimeline(ctx, plans, i);
    eventStart[i] = events;
    if (events + timeline.events.length > seconds.length) {
      const grown = new Float64Array(Math.ceil(seconds.length * 1.5) + timeline.events.length);
      grown.set(seconds);
      seconds = grown;
    }
    for (const e of timeline.events) seconds[events++] = e.sec;
    const key = timeline.receiving * span + (timeline.codeDay - table.first);
    const s = (serials.get(key) ?? 0) + 1;
    serials.set(key, s);
    serial[i] = s;
    tally.add(plans, i, timeline);
  }
  eventStart[plans.count] = events;
  serials.clear();
  const figures = tally.figures(agencyCounts(profile.levels));
  checkFigures(figures, choice);

  // The time-ordered index: (seconds since the earliest day) × 2^bits + ordinal, sorted as numbers.
  const bits = Math.max(1, Math.ceil(Math.log2(events + 1)));
  const scale = 2 ** bits;
  const base = table.first * 86_400 - 86_400;
  if ((table.last * 86_400 - base) * scale >= 2 ** 53) throw new Error('internal: too many events for the time index');
  const keys = seconds.length === events ? seconds : seconds.slice(0, events);
  for (let j = 0; j < events; j += 1) keys[j] = ((keys[j] ?? 0) - base) * scale + j;
  keys.sort();
  const eventDossier = new Int32Array(events);
  for (let i = 0; i < plans.count; i += 1) eventDossier.fill(i, eventStart[i] ?? 0, eventStart[i + 1] ?? 0);

  const eventCtx: EventContext = { source, idKey: hash2(seed, 0x1d5), table, agencyCodes: agencies.codes };
  const eventCount = events;
  function* iterate(): IterableIterator<AnyVersionDossierEvent> {
    // Each dossier's timeline is rebuilt at its first event and dropped after its last.
    const open = new Map<number, { timeline: Timeline; code: string; left: number }>();
    // The event's place among those of its second, for its time-ordered id.
    let second = -1;
    let seq = 0;
    for (let j = 0; j < eventCount; j += 1) {
      const key = keys[j] ?? 0;
      const ordinal = key % scale;
      const inSecond = floor(key / scale);
      seq = inSecond === second ? seq + 1 : 0;
      second = inSecond;
      const i = eventDossier[ordinal] ?? 0;
      const k = ordinal - (eventStart[i] ?? 0);
      let entry = open.get(i);
      if (!entry) {
        const timeline = buildTimeline(ctx, plans, i);
        const code = dossierCode(agencies.codes[timeline.receiving] ?? '', table.iso(timeline.codeDay), serial[i] ?? 0);
        entry = { timeline, code, left: timeline.events.length };
        open.set(i, entry);
      }
      yield dossierEvent(eventCtx, plans.agency[i] ?? 0, plans.flags[i] ?? 0, entry.timeline, entry.code, k, ordinal, seq);
      entry.left -= 1;
      if (entry.left === 0) open.delete(i);
    }
  }
  return { ok: true, simulation: { registry, figures, dossiers: plans.count, events: iterate, eventCount } };
}

/** As `trySimulateProfile`, throwing `SimulationRefused` for a profile that cannot be simulated. */
export function simulateProfile(profile: SimulationProfile, options: SimulateOptions): ProfileSimulation {
  const result = trySimulateProfile(profile, options);
  if (!result.ok) throw new SimulationRefused(result.problems);
  return result.simulation;
}

type MutableCounts = { -readonly [K in keyof SimulatedCounts]: SimulatedCounts[K] extends number ? number : { notDue: number; overdue: number } };

const emptyCounts = (): MutableCounts => ({
  received: 0,
  receivedOnline: 0,
  receivedInPerson: 0,
  receivedPostal: 0,
  carriedOver: 0,
  resolved: 0,
  resolvedEarly: 0,
  resolvedOnTime: 0,
  resolvedOnDueDay: 0,
  resolvedLate: 0,
  inProgressAtEnd: { notDue: 0, overdue: 0 },
  withdrawn: 0,
  handedBack: 0,
  processingStopped: 0,
  refusedAtReception: 0,
  supplementRequested: 0,
  apologyIssued: 0,
  resultReturned: 0,
});

/**
 * Counts the timelines as the projection will: by local day in the period, under the processing agency's
 * level, judging timeliness and the open dossiers by the core's rules.
 */
class Tally {
  readonly #levels: Record<AgencyLevel, MutableCounts> = { province: emptyCounts(), district: emptyCounts(), commune: emptyCounts() };
  #fpResolved = 0;
  #fpOnline = 0;
  #payments = 0;
  #amount = 0;

  readonly #from: number;
  readonly #to: number;

  constructor(
    private readonly agencyLevels: readonly AgencyLevel[],
    private readonly period: DayRange,
    private readonly table: DayTable,
  ) {
    this.#from = dayNumber(period.from);
    this.#to = dayNumber(period.to);
  }

  add(plans: DossierPlans, i: number, timeline: Timeline): void {
    const c = this.#levels[this.agencyLevels[plans.agency[i] ?? 0] ?? 'province'];
    const flags = plans.flags[i] ?? 0;
    const inPeriod = (day: number) => day >= this.#from && day <= this.#to;
    let due = -1;
    let closed = -1;
    let received = -1;
    for (const e of timeline.events) {
      const p = inPeriod(e.day);
      switch (e.kind) {
        case EV.received:
          received = e.day;
          due = e.a;
          if (p) {
            c.received += 1;
            const channel = channelOf(flags);
            if (channel === CHANNEL.online) c.receivedOnline += 1;
            else if (channel === CHANNEL.postal) c.receivedPostal += 1;
            else c.receivedInPerson += 1;
          }
          break;
        case EV.refused:
          if (p) c.refusedAtReception += 1;
          return;
        case EV.supplementRequested:
          if (p) c.supplementRequested += 1;
          break;
        case EV.supplementReceived:
          due = e.a;
          break;
        case EV.paid:
          if (p) {
            this.#payments += 1;
            this.#amount += e.a;
          }
          break;
        case EV.apology:
          if (p) c.apologyIssued += 1;
          break;
        case EV.stopped:
        case EV.handedBack:
        case EV.withdrawn:
          closed = e.day;
          if (p && e.kind === EV.withdrawn) c.withdrawn += 1;
          if (p && e.kind !== EV.withdrawn) c.handedBack += 1;
          if (p && e.kind === EV.stopped) c.processingStopped += 1;
          break;
        case EV.processed:
          closed = e.day;
          if (p) {
            c.resolved += 1;
            const timeliness = timelinessOfDay(this.table.iso(e.day), this.table.iso(due));
            // The report's resolvedOnTime counts the early ones too.
            if (timeliness === 'early') c.resolvedEarly += 1;
            if (timeliness === 'on-time') c.resolvedOnDueDay += 1;
            if (timeliness === 'late') c.resolvedLate += 1;
            else c.resolvedOnTime += 1;
            if (serviceOf(flags) === SERVICE.fullProcess) {
              this.#fpResolved += 1;
              if (channelOf(flags) === CHANNEL.online) this.#fpOnline += 1;
            }
          }
          break;
        case EV.returned:
          if (p) c.resultReturned += 1;
          break;
        default:
          break;
      }
    }
    const edges = { receivedDay: this.table.iso(received), closedDay: closed < 0 ? null : this.table.iso(closed), dueDate: this.table.iso(due) };
    if (carriedOverInto(edges, this.period)) c.carriedOver += 1;
    const atEnd = inProgressAtEndOf(edges, this.period);
    if (atEnd) c.inProgressAtEnd[atEnd] += 1;
  }

  figures(agencies: Readonly<Record<AgencyLevel, number>>): SimulatedFigures {
    const total = emptyCounts();
    for (const level of AGENCY_LEVELS) {
      const c = this.#levels[level];
      for (const key of Object.keys(total) as (keyof MutableCounts)[]) {
        if (key === 'inProgressAtEnd') {
          total.inProgressAtEnd.notDue += c.inProgressAtEnd.notDue;
          total.inProgressAtEnd.overdue += c.inProgressAtEnd.overdue;
        } else total[key] += c[key];
      }
    }
    const levels = Object.fromEntries(AGENCY_LEVELS.map((l) => [l, { agencies: agencies[l], ...this.#levels[l] }])) as Record<
      AgencyLevel,
      SimulatedLevelFigures
    >;
    return {
      levels,
      total,
      receivedOnline: total.receivedOnline,
      fullProcessOnline: { resolved: this.#fpResolved, resolvedOnline: this.#fpOnline },
      onlinePayments: { count: this.#payments, amount: this.#amount },
    };
  }
}

/** The timelines must count exactly what was chosen; anything else is a bug in the simulator, not in the profile. */
function checkFigures(f: SimulatedFigures, choice: FigureChoice): void {
  const mismatches: string[] = [];
  const expect = (what: string, actual: number, wanted: number) => {
    if (actual !== wanted) mismatches.push(`${what} ${actual} ≠ ${wanted}`);
  };
  for (const level of AGENCY_LEVELS) {
    const a = choice.levels[level];
    const l = f.levels[level];
    expect(`${level}.received`, l.received, dossiersIn(a.inPeriod));
    expect(`${level}.carriedOver`, l.carriedOver, dossiersIn(a.carried));
    expect(`${level}.resolvedEarly`, l.resolvedEarly, a.early);
    expect(`${level}.resolvedOnTime`, l.resolvedOnTime, a.early + a.onTime);
    expect(`${level}.resolvedLate`, l.resolvedLate, a.late);
    expect(`${level}.withdrawn`, l.withdrawn, a.carried.withdrawn + a.inPeriod.withdrawn);
    expect(`${level}.handedBack`, l.handedBack, a.carried.handedBack + a.inPeriod.handedBack);
    expect(`${level}.processingStopped`, l.processingStopped, a.stopped);
    expect(`${level}.inProgressAtEnd.notDue`, l.inProgressAtEnd.notDue, a.carried.notDue + a.inPeriod.notDue);
    expect(`${level}.inProgressAtEnd.overdue`, l.inProgressAtEnd.overdue, a.carried.overdue + a.inPeriod.overdue);
  }
  expect('receivedOnline', f.receivedOnline, choice.receivedOnline);
  expect('fullProcessOnline.resolved', f.fullProcessOnline.resolved, choice.fullProcessOnline.resolved);
  expect('fullProcessOnline.resolvedOnline', f.fullProcessOnline.resolvedOnline, choice.fullProcessOnline.resolvedOnline);
  expect('onlinePayments', f.onlinePayments.count, choice.onlinePayments);
  if (mismatches.length > 0) throw new Error(`internal: the simulated dossiers do not count as chosen: ${mismatches.join('; ')}`);
}
