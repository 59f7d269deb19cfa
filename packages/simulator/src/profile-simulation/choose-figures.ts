import { AGENCY_LEVELS, formatCount, inflow, inProgress, outflow, type AgencyLevel, type FieldProblem } from '@tthc/core';
import { overdueShare, type LevelProfile, type SimulationProfile } from '../profile/profile';
import { apportion, apportionCapped } from './apportion';

/*
 * The figures the profile leaves out are chosen here, as fixed shares of what it gives, so that the
 * choice depends on the profile only (not on the seed). The shares, from one-stop-shop reports:
 *
 * - resolvedEarly: 65% of resolvedOnTime (reports show early at roughly 60–70% of on time);
 * - withdrawn: 0.75% and handedBack 0.4% of resolved (a quarter of hand-backs are processing stops);
 * - inProgressAtEnd: 4.5% of resolved, overdue being twice the level's late share of it, within 5–30%;
 * - carriedOver: 4% of resolved;
 * - received: what the report's balance leaves (core's report/balance.ts), carriedOver + received = resolved + in progress + withdrawn + handedBack;
 * - receivedOnline: 60% of received (at least the full-process online dossiers it must hold);
 * - fullProcessOnline: 20% of resolved, 97% of them online;
 * - onlinePayments: one for every second dossier received online.
 *
 * When some of a level's figures are given, the free ones take up whatever the balance leaves, in
 * proportion to the shares above; a total `receivedOnline` above the received dossiers raises the
 * levels whose `received` is free (through dossiers still in progress at the end, else fewer
 * carried over).
 */
export const SHARES = {
  earlyOfOnTime: 0.65,
  withdrawnOfResolved: 0.0075,
  handedBackOfResolved: 0.004,
  stoppedOfHandedBack: 0.25,
  inProgressOfResolved: 0.045,
  carriedOverOfResolved: 0.04,
  /** Of the carried-over dossiers, those still open at the period end (long procedures, backlog). */
  openOfCarriedOver: 0.05,
  receivedOnlineOfReceived: 0.6,
  fullProcessOfResolved: 0.2,
  onlineOfFullProcess: 0.97,
  paymentsOfReceivedOnline: 0.5,
} as const;

/** A level's dossiers by fate: what left the open set in the period, and what was still open at its end. */
export interface Outflow {
  readonly resolved: number;
  readonly withdrawn: number;
  /** Handed back, processing stops included. */
  readonly handedBack: number;
  readonly notDue: number;
  readonly overdue: number;
}

/** The dossiers of an `Outflow`: its side of the report's balance. */
export const dossiersIn = (o: Outflow): number => outflow({ ...o, inProgress: inProgress(o) });

/** How a level's dossiers divide: carried over or received in the period, by fate, and how the resolved ones were timed. */
export interface LevelAllocation {
  readonly level: AgencyLevel;
  readonly agencies: number;
  readonly carried: Outflow;
  readonly inPeriod: Outflow;
  readonly early: number;
  /** On time but not early. */
  readonly onTime: number;
  readonly late: number;
  /** Of the hand-backs, the processing stops. */
  readonly stopped: number;
}

/** A level's dossiers, carried over and received. */
export const levelDossiers = (a: LevelAllocation): number => dossiersIn(a.carried) + dossiersIn(a.inPeriod);

/** The figure choices the dossier plan is built from. */
export interface FigureChoice {
  readonly levels: Readonly<Record<AgencyLevel, LevelAllocation>>;
  readonly receivedOnline: number;
  readonly fullProcessOnline: {
    readonly resolved: number;
    readonly resolvedOnline: number;
    /** Online full-process dossiers received and resolved in the period (they count in receivedOnline). */
    readonly onlineInPeriod: number;
    /** Full-process dossiers received in the period, not online, and resolved in it. */
    readonly offlineInPeriod: number;
  };
  readonly onlinePayments: number;
}

export type FigureChoiceResult = { readonly ok: true; readonly choice: FigureChoice } | { readonly ok: false; readonly problems: FieldProblem[] };

const n = formatCount;
const round = Math.round;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

interface Balance {
  carriedOver: number;
  received: number;
  notDue: number;
  overdue: number;
  withdrawn: number;
  handedBack: number;
  /** Which could still move to satisfy receivedOnline. */
  free: { received: boolean; carriedOver: boolean; inProgress: boolean; withdrawn: boolean; handedBack: boolean };
}

const EMPTY_LEVEL: LevelProfile = { agencies: 0, resolved: 0, resolvedOnTime: 0 };

/** The balance of one level: its given figures kept, the missing ones chosen, so that inflow = outflow. */
function balanceLevel(path: string, f: LevelProfile): { ok: true; balance: Balance } | { ok: false; problem: FieldProblem } {
  const S = f.resolved;
  const defaults = {
    inProgress: round(SHARES.inProgressOfResolved * S),
    withdrawn: round(SHARES.withdrawnOfResolved * S),
    handedBack: round(SHARES.handedBackOfResolved * S),
    carriedOver: round(SHARES.carriedOverOfResolved * S),
  };
  const free = {
    received: f.received === undefined,
    carriedOver: f.carriedOver === undefined,
    inProgress: f.inProgressAtEnd === undefined,
    withdrawn: f.withdrawn === undefined,
    handedBack: f.handedBack === undefined,
  };
  // The outflows other than resolved: given, or their default for now.
  const out = {
    inProgress: f.inProgressAtEnd ? inProgress(f.inProgressAtEnd) : defaults.inProgress,
    withdrawn: f.withdrawn ?? defaults.withdrawn,
    handedBack: f.handedBack ?? defaults.handedBack,
  };
  const freeOut = (['inProgress', 'withdrawn', 'handedBack'] as const).filter((k) => free[k]);
  /** Adds `extra` to the free outflows, in proportion to their defaults (in progress when those are all 0). */
  const spread = (extra: number) => {
    const weights = freeOut.map((k) => defaults[k]);
    const parts = apportion(extra, sum(weights) > 0 ? weights : freeOut.map((k) => (k === 'inProgress' ? 1 : 0)));
    freeOut.forEach((k, i) => (out[k] += parts[i] ?? 0));
  };
  const goingOut = () => outflow({ resolved: S, ...out });
  let carriedOver: number;
  let received: number;

  if (f.carriedOver !== undefined && f.received !== undefined) {
    carriedOver = f.carriedOver;
    received = f.received;
    for (const k of freeOut) out[k] = 0;
    const slack = inflow({ carriedOver, received }) - goingOut();
    if (slack < 0 || (slack > 0 && freeOut.length === 0)) {
      return {
        ok: false,
        problem: { field: path, rule: `does not balance: carriedOver ${n(carriedOver)} + received ${n(received)} ≠ ${n(goingOut())} going out` },
      };
    }
    if (slack > 0) spread(slack);
  } else if (f.received !== undefined) {
    received = f.received;
    carriedOver = goingOut() - received;
    if (carriedOver < 0) {
      if (freeOut.length === 0) {
        return {
          ok: false,
          problem: {
            field: `${path}.received`,
            rule: `must be at most resolved + in progress + withdrawn + handed back when carriedOver is not given: received ${n(received)} > ${n(goingOut())}`,
          },
        };
      }
      spread(-carriedOver);
      carriedOver = 0;
    }
  } else if (f.carriedOver !== undefined) {
    carriedOver = f.carriedOver;
    received = goingOut() - carriedOver;
    if (received < 0) {
      if (freeOut.length === 0) {
        return {
          ok: false,
          problem: {
            field: `${path}.carriedOver`,
            rule: `must be at most resolved + in progress + withdrawn + handed back when received is not given: carriedOver ${n(carriedOver)} > ${n(goingOut())}`,
          },
        };
      }
      spread(-received);
      received = 0;
    }
  } else {
    carriedOver = defaults.carriedOver;
    received = goingOut() - carriedOver;
  }

  let notDue: number;
  let overdue: number;
  if (f.inProgressAtEnd) ({ notDue, overdue } = f.inProgressAtEnd);
  else {
    overdue = round(out.inProgress * overdueShare(f));
    notDue = out.inProgress - overdue;
  }
  return { ok: true, balance: { carriedOver, received, notDue, overdue, withdrawn: out.withdrawn, handedBack: out.handedBack, free } };
}

/** Splits a level's outflow between the dossiers carried over and those received in the period. */
function allocate(level: AgencyLevel, f: LevelProfile, b: Balance): LevelAllocation {
  const C = b.carriedOver;
  const R = b.received;
  let cap = C;
  const take = (wanted: number, limit: number) => {
    const t = Math.max(0, Math.min(wanted, limit, cap));
    cap -= t;
    return t;
  };
  // A few carried-over dossiers are still open at the end (the oldest, mostly overdue); the
  // withdrawals and hand-backs follow the inflow; the rest of them are resolved in the period.
  const open = take(round(SHARES.openOfCarriedOver * C), inProgress(b));
  let cOverdue = Math.min(open, b.overdue);
  let cNotDue = open - cOverdue;
  const share = C + R > 0 ? C / (C + R) : 0;
  let cWithdrawn = take(round(b.withdrawn * share), b.withdrawn);
  let cHandedBack = take(round(b.handedBack * share), b.handedBack);
  const cResolved = take(f.resolved, f.resolved);
  // Resolved cannot hold them all: the rest of the carried-over dossiers take the other fates.
  const more = (room: number) => take(room, room);
  cWithdrawn += more(b.withdrawn - cWithdrawn);
  cHandedBack += more(b.handedBack - cHandedBack);
  cNotDue += more(b.notDue - cNotDue);
  cOverdue += more(b.overdue - cOverdue);
  if (cap !== 0) throw new Error(`internal: ${level} carried-over dossiers do not fit its outflow`);
  const carried: Outflow = { resolved: cResolved, withdrawn: cWithdrawn, handedBack: cHandedBack, notDue: cNotDue, overdue: cOverdue };
  const inPeriod: Outflow = {
    resolved: f.resolved - cResolved,
    withdrawn: b.withdrawn - cWithdrawn,
    handedBack: b.handedBack - cHandedBack,
    notDue: b.notDue - cNotDue,
    overdue: b.overdue - cOverdue,
  };
  const early = f.resolvedEarly ?? round(SHARES.earlyOfOnTime * f.resolvedOnTime);
  return {
    level,
    agencies: f.agencies,
    carried,
    inPeriod,
    early,
    onTime: f.resolvedOnTime - early,
    late: f.resolved - f.resolvedOnTime,
    stopped: round(SHARES.stoppedOfHandedBack * b.handedBack),
  };
}

const received = (a: LevelAllocation) => sum(Object.values(a.inPeriod));

/** Chooses every figure the profile leaves out, or says which given figure makes the profile impossible to simulate. */
export function chooseFigures(profile: SimulationProfile): FigureChoiceResult {
  const problems: FieldProblem[] = [];
  const balances = new Map<AgencyLevel, Balance>();
  for (const level of AGENCY_LEVELS) {
    const result = balanceLevel(`levels.${level}`, profile.levels[level] ?? EMPTY_LEVEL);
    if (result.ok) balances.set(level, result.balance);
    else problems.push(result.problem);
  }
  if (problems.length > 0) return { ok: false, problems };
  const balance = (level: AgencyLevel): Balance => {
    const b = balances.get(level);
    if (!b) throw new Error(`internal: no balance for ${level}`);
    return b;
  };

  // receivedOnline above the received dossiers: raise the levels whose received is free.
  const totalReceived = sum(AGENCY_LEVELS.map((l) => balance(l).received));
  if (profile.receivedOnline !== undefined && profile.receivedOnline > totalReceived) {
    const deficit = profile.receivedOnline - totalReceived;
    const caps = AGENCY_LEVELS.map((l) => {
      const b = balance(l);
      if (!b.free.received || (profile.levels[l]?.agencies ?? 0) === 0) return 0;
      if (b.free.inProgress || b.free.withdrawn || b.free.handedBack) return Infinity;
      return b.free.carriedOver ? b.carriedOver : 0;
    });
    if (sum(caps) < deficit) {
      const terms = AGENCY_LEVELS.filter((l) => profile.levels[l]).map((l) => `${l} ${n(balance(l).received)}`);
      return {
        ok: false,
        problems: [
          {
            field: 'receivedOnline',
            rule: `must be at most the dossiers received at all levels: ${n(profile.receivedOnline)} > ${terms.join(' + ')} = ${n(totalReceived)}, and the given figures leave no room for more`,
          },
        ],
      };
    }
    const raise = apportionCapped(
      deficit,
      AGENCY_LEVELS.map((l) => balance(l).received + 1),
      caps,
    );
    AGENCY_LEVELS.forEach((l, i) => {
      const b = balance(l);
      const x = raise[i] ?? 0;
      if (x === 0) return;
      b.received += x;
      if (b.free.inProgress) b.notDue += x;
      else if (b.free.withdrawn || b.free.handedBack) {
        if (b.free.withdrawn) b.withdrawn += x;
        else b.handedBack += x;
      } else b.carriedOver -= x;
    });
  }

  const levels = Object.fromEntries(AGENCY_LEVELS.map((l) => [l, allocate(l, profile.levels[l] ?? EMPTY_LEVEL, balance(l))])) as Record<
    AgencyLevel,
    LevelAllocation
  >;
  const all = Object.values(levels);
  const R = sum(all.map(received));
  const RR = sum(all.map((a) => a.inPeriod.resolved));
  const CR = sum(all.map((a) => a.carried.resolved));
  const S = RR + CR;

  // Full-process online: the online ones from the dossiers received (online) in the period first,
  // carried-over ones only when those run out; the others, not online, wherever there is room.
  const given = profile.fullProcessOnline;
  const split = (resolved: number, resolvedOnline: number, online: number) => {
    const onlineInPeriod = Math.min(resolvedOnline, RR, online);
    const onlineCarried = resolvedOnline - onlineInPeriod;
    const offline = resolved - resolvedOnline;
    const offlineInPeriod = Math.min(offline, R - online, RR - onlineInPeriod);
    const offlineCarried = offline - offlineInPeriod;
    return { onlineInPeriod, onlineCarried, offlineInPeriod, offlineCarried, offlineRoom: offlineInPeriod + Math.max(0, CR - onlineCarried) };
  };
  let receivedOnline =
    profile.receivedOnline ?? Math.min(R, Math.max(round(SHARES.receivedOnlineOfReceived * R), given ? Math.min(given.resolvedOnline, RR) : 0));
  let fpResolved = given?.resolved ?? round(SHARES.fullProcessOfResolved * S);
  const fpOnline = given?.resolvedOnline ?? Math.min(round(SHARES.onlineOfFullProcess * fpResolved), Math.min(RR, receivedOnline) + CR);
  let s = split(fpResolved, fpOnline, receivedOnline);
  if (profile.receivedOnline === undefined && given && s.offlineInPeriod + s.offlineCarried > s.offlineRoom) {
    // A chosen receivedOnline leaves the offline full-process dossiers too little room: take less of it.
    receivedOnline = Math.max(s.onlineInPeriod, receivedOnline - (s.offlineInPeriod + s.offlineCarried - s.offlineRoom));
    s = split(fpResolved, fpOnline, receivedOnline);
  }
  if (given) {
    if (s.onlineCarried > CR) {
      problems.push({
        field: 'fullProcessOnline.resolvedOnline',
        rule:
          `must be at most the resolved dossiers that can have been submitted online: ${n(fpOnline)} > ` +
          `received online and resolved in the period ${n(s.onlineInPeriod)} (the least of receivedOnline ${n(receivedOnline)} and resolved in the period ${n(RR)}) ` +
          `+ carried over and resolved ${n(CR)} = ${n(s.onlineInPeriod + CR)}`,
      });
    } else if (s.offlineCarried > CR - s.onlineCarried) {
      problems.push({
        field: 'fullProcessOnline.resolved',
        rule:
          `leaves ${n(fpResolved - fpOnline)} full-process dossiers not submitted online (resolved ${n(fpResolved)} − resolvedOnline ${n(fpOnline)}), ` +
          `but the resolved dossiers that could carry them are at most ${n(s.offlineRoom)} ` +
          `(received in the period, not online and resolved ${n(s.offlineInPeriod)} + carried over and resolved, not already online ${n(Math.max(0, CR - s.onlineCarried))})`,
      });
    }
  } else if (s.offlineCarried > CR - s.onlineCarried) {
    // Chosen figures: fewer full-process dossiers not online, as many as there is room for.
    fpResolved = fpOnline + s.offlineInPeriod + (CR - s.onlineCarried);
    s = split(fpResolved, fpOnline, receivedOnline);
  }

  const capacity = 2 * (R + sum(all.map((a) => sum(Object.values(a.carried)))));
  const onlinePayments = profile.onlinePayments ?? Math.min(capacity, round(SHARES.paymentsOfReceivedOnline * receivedOnline));
  if (onlinePayments > capacity) {
    problems.push({
      field: 'onlinePayments',
      rule: `must be at most two for each dossier received or carried over in the period: ${n(onlinePayments)} > 2 × ${n(capacity / 2)} = ${n(capacity)}`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    choice: {
      levels,
      receivedOnline,
      fullProcessOnline: { resolved: fpResolved, resolvedOnline: fpOnline, onlineInPeriod: s.onlineInPeriod, offlineInPeriod: s.offlineInPeriod },
      onlinePayments,
    },
  };
}
