import { AGENCY_LEVELS, type AgencyLevel } from '@tthc/core';
import type { SeededRandom } from '../random';
import { apportion } from './apportion';
import { dossiersIn, levelDossiers, type FigureChoice, type LevelAllocation } from './choose-figures';
import type { SimulationAgencies } from './simulation-registry';

// Module bindings for the hot paths (see fast-random.ts: global lookups are slow under jest).
const { floor } = Math;

/** What becomes of a dossier. The first three are resolved in the period, timed against the due date. */
export const FATE = {
  early: 0,
  onTime: 1,
  late: 2,
  withdrawn: 3,
  handedBack: 4,
  stopped: 5,
  /** Still open at the period end, due on or after its last day. */
  notDue: 6,
  /** Still open at the period end, due before its last day. */
  overdue: 7,
  /** An online submission refused at reception: never received, in none of the figures. */
  refused: 8,
} as const;
export type Fate = (typeof FATE)[keyof typeof FATE];

export const CHANNEL = { inPerson: 0, online: 1, postal: 2 } as const;
export const SERVICE = { none: 0, partial: 1, fullProcess: 2 } as const;

/**
 * Every dossier in a few bytes, the plan its events are rebuilt from: its agency, fate and, packed
 * in `flags`, whether it was carried over (bit 0), its channel (bits 1–2), its online service level
 * (bits 3–4) and how many online payments it makes in the period (bits 5–6).
 */
export interface DossierPlans {
  readonly count: number;
  /** The resolving (processing) agency, an index into the simulation's agencies. */
  readonly agency: Uint16Array;
  readonly fate: Uint8Array;
  readonly flags: Uint8Array;
}

export const isCarried = (flags: number): boolean => (flags & 1) === 1;
export const channelOf = (flags: number): number => (flags >> 1) & 3;
export const serviceOf = (flags: number): number => (flags >> 3) & 3;
export const paymentsOf = (flags: number): number => (flags >> 5) & 3;
const pack = (carried: boolean, channel: number, service: number, payments: number) => (carried ? 1 : 0) | (channel << 1) | (service << 3) | (payments << 5);

/** Fisher–Yates, in place. */
export function shuffle<T extends { length: number; [i: number]: number }>(rng: SeededRandom, a: T): T {
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = floor(rng.next() * (i + 1));
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
  return a;
}

/** Zipf-like exponents: a few big departments, districts and communes closer in size. */
const ZIPF: Readonly<Record<AgencyLevel, number>> = { province: 0.9, district: 0.7, commune: 0.6 };

// Level-local codes of a dossier before its timeliness is drawn: carried over (+8) and outcome.
const OUT = { resolved: 0, withdrawn: 1, handedBack: 2, notDue: 3, overdue: 4 } as const;
const CARRIED = 8;

/** A level's dossiers: fates drawn without replacement from the exact counts, agencies in skewed shares. */
function planLevel(
  rng: SeededRandom,
  a: LevelAllocation,
  agencies: readonly number[],
  into: { agency: Uint16Array; fate: Uint8Array; flags: Uint8Array },
  offset: number,
): number {
  const parts: [number, number][] = [];
  for (const [carried, out] of [
    [CARRIED, a.carried],
    [0, a.inPeriod],
  ] as const) {
    parts.push([carried | OUT.resolved, out.resolved], [carried | OUT.withdrawn, out.withdrawn], [carried | OUT.handedBack, out.handedBack]);
    parts.push([carried | OUT.notDue, out.notDue], [carried | OUT.overdue, out.overdue]);
  }
  const total = parts.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return 0;
  if (agencies.length === 0) throw new Error(`internal: ${a.level} has dossiers but no agencies`);
  const kinds = new Uint8Array(total);
  let at = 0;
  for (const [kind, count] of parts) kinds.fill(kind, at, (at += count));
  shuffle(rng, kinds);

  // Timeliness of the resolved ones, and the processing stops among the hand-backs, by exact counts.
  const timed = new Uint8Array(a.early + a.onTime + a.late);
  timed.fill(FATE.onTime, a.early, a.early + a.onTime).fill(FATE.late, a.early + a.onTime);
  shuffle(rng, timed);
  let nextTimed = 0;
  let stopped = 0;

  // Agencies differ in size: Zipf weights over a random ranking.
  const ranks = shuffle(rng, Int32Array.from(agencies.keys()));
  const weights = Array.from(ranks, (r) => 1 / (r + 1) ** ZIPF[a.level]);
  const sizes = apportion(total, weights);
  let agencyIndex = 0;
  let leftInAgency = sizes[0] ?? 0;

  for (let k = 0; k < total; k += 1) {
    while (leftInAgency === 0) leftInAgency = sizes[(agencyIndex += 1)] ?? 0;
    leftInAgency -= 1;
    const kind = kinds[k] ?? 0;
    const out = kind & 7;
    let fate: Fate;
    if (out === OUT.resolved) fate = (timed[nextTimed++] ?? FATE.early) as Fate;
    else if (out === OUT.withdrawn) fate = FATE.withdrawn;
    else if (out === OUT.handedBack) fate = stopped++ < a.stopped ? FATE.stopped : FATE.handedBack;
    else fate = out === OUT.notDue ? FATE.notDue : FATE.overdue;
    into.agency[offset + k] = agencies[agencyIndex] ?? 0;
    into.fate[offset + k] = fate;
    into.flags[offset + k] = pack((kind & CARRIED) !== 0, CHANNEL.inPerson, SERVICE.none, 0);
  }
  return total;
}

const isResolved = (fate: number) => fate <= FATE.late;

/**
 * Plans every dossier of the simulation by exact counts: per level its fates and agencies; then,
 * over all levels, which are full-process and online (the online full-process resolved ones from
 * the dossiers received in the period first), the rest of `receivedOnline` among the other
 * dossiers received in the period, and who pays online; last, the online submissions refused at
 * reception (1.5% of those received online), which count in none of the figures.
 */
export function planDossiers(rng: SeededRandom, choice: FigureChoice, agencies: SimulationAgencies): DossierPlans {
  const levelTotals = AGENCY_LEVELS.map((l) => levelDossiers(choice.levels[l]));
  const counted = levelTotals.reduce((a, b) => a + b, 0);
  const received = AGENCY_LEVELS.reduce((s, l) => s + dossiersIn(choice.levels[l].inPeriod), 0);
  const refused = Math.round(0.015 * choice.receivedOnline);
  const count = counted + refused;
  const agency = new Uint16Array(count);
  const fate = new Uint8Array(count);
  const flags = new Uint8Array(count);
  let offset = 0;
  for (const level of AGENCY_LEVELS) offset += planLevel(rng, choice.levels[level], agencies.byLevel[level], { agency, fate, flags }, offset);

  // Pools by (carried over, resolved in the period).
  const pools = { inResolved: [] as number[], inOther: [] as number[], carriedResolved: [] as number[], carriedOther: [] as number[] };
  for (let i = 0; i < counted; i += 1) {
    const carried = isCarried(flags[i] ?? 0);
    const resolved = isResolved(fate[i] ?? 0);
    (carried ? (resolved ? pools.carriedResolved : pools.carriedOther) : resolved ? pools.inResolved : pools.inOther).push(i);
  }
  const inResolved = shuffle(rng, Int32Array.from(pools.inResolved));
  const carriedResolved = shuffle(rng, Int32Array.from(pools.carriedResolved));
  const fp = choice.fullProcessOnline;
  const onlineCarried = fp.resolvedOnline - fp.onlineInPeriod;
  const offlineCarried = fp.resolved - fp.resolvedOnline - fp.offlineInPeriod;
  const offline = (r: SeededRandom) => (r.chance(0.08) ? CHANNEL.postal : CHANNEL.inPerson);
  const set = (i: number, channel: number, service: number) => (flags[i] = pack(isCarried(flags[i] ?? 0), channel, service, 0));

  // Full-process and resolved in the period: online (counted in fullProcessOnline.resolvedOnline) or not.
  let k = 0;
  for (; k < fp.onlineInPeriod; k += 1) set(inResolved[k] ?? 0, CHANNEL.online, SERVICE.fullProcess);
  for (; k < fp.onlineInPeriod + fp.offlineInPeriod; k += 1) set(inResolved[k] ?? 0, offline(rng), SERVICE.fullProcess);
  const rest = [...inResolved.subarray(k), ...pools.inOther];
  let c = 0;
  for (; c < onlineCarried; c += 1) set(carriedResolved[c] ?? 0, CHANNEL.online, SERVICE.fullProcess);
  for (; c < onlineCarried + offlineCarried; c += 1) set(carriedResolved[c] ?? 0, offline(rng), SERVICE.fullProcess);

  // The rest of receivedOnline among the other dossiers received in the period. Online needs an
  // online service; a resolved one that is not full-process must be partial, or it would count.
  const others = shuffle(rng, Int32Array.from(rest));
  const moreOnline = choice.receivedOnline - fp.onlineInPeriod;
  if (moreOnline > others.length) throw new Error('internal: receivedOnline exceeds the dossiers received in the period');
  others.forEach((i, j) => {
    const resolved = isResolved(fate[i] ?? 0);
    if (j < moreOnline) set(i, CHANNEL.online, resolved || rng.chance(0.7) ? SERVICE.partial : SERVICE.fullProcess);
    else set(i, offline(rng), resolved ? (rng.chance(0.5) ? SERVICE.none : SERVICE.partial) : rng.pick([SERVICE.none, SERVICE.partial, SERVICE.fullProcess]));
  });
  // Carried over and not chosen above: a channel as likely online as those received in the period.
  const onlineShare = received > 0 ? choice.receivedOnline / received : 0;
  const carriedRest = [...carriedResolved.subarray(c), ...pools.carriedOther];
  for (const i of carriedRest) {
    const resolved = isResolved(fate[i] ?? 0);
    if (rng.chance(onlineShare)) set(i, CHANNEL.online, resolved || rng.chance(0.7) ? SERVICE.partial : SERVICE.fullProcess);
    else set(i, offline(rng), resolved ? (rng.chance(0.5) ? SERVICE.none : SERVICE.partial) : rng.pick([SERVICE.none, SERVICE.partial, SERVICE.fullProcess]));
  }

  // Online payments in the period: one per payer, two for a few (a fee, then an obligation);
  // most payers applied online.
  const payments = choice.onlinePayments;
  const twice = Math.max(payments - counted, Math.min(Math.round(0.04 * payments), floor(payments / 2)));
  const payers = payments - twice;
  const online: number[] = [];
  const notOnline: number[] = [];
  for (let i = 0; i < counted; i += 1) (channelOf(flags[i] ?? 0) === CHANNEL.online ? online : notOnline).push(i);
  let payOnline = Math.min(online.length, Math.round(0.92 * payers));
  let payOther = payers - payOnline;
  if (payOther > notOnline.length) {
    payOther = notOnline.length;
    payOnline = payers - payOther;
  }
  const chosen = [...shuffle(rng, Int32Array.from(online)).subarray(0, payOnline), ...shuffle(rng, Int32Array.from(notOnline)).subarray(0, payOther)];
  const payerOrder = shuffle(rng, Int32Array.from(chosen));
  payerOrder.forEach((i, j) => (flags[i] = ((flags[i] ?? 0) & 0x1f) | ((j < twice ? 2 : 1) << 5)));

  // Refused submissions, at the agencies online dossiers go to.
  for (let r = 0; r < refused; r += 1) {
    const i = counted + r;
    agency[i] = agency[online.length > 0 ? rng.pick(online) : 0] ?? 0;
    fate[i] = FATE.refused;
    flags[i] = pack(false, CHANNEL.online, SERVICE.partial, 0);
  }
  return { count, agency, fate, flags };
}
