import type { SeededRandom } from '../random';
import { FastSeededRandom } from './fast-random';
import type { DayTable } from './day-table';
import { CHANNEL, FATE, channelOf, isCarried, paymentsOf, type DossierPlans } from './plan-dossiers';
import type { SimulationAgencies } from './simulation-registry';

// Module bindings for the hot paths (see fast-random.ts: global lookups are slow under jest).
const { floor, max, min, log, imul } = Math;

/** The kinds of timeline entries, one per dossier event type. */
export const EV = {
  received: 0,
  refused: 1,
  supplementRequested: 2,
  supplementReceived: 3,
  obligation: 4,
  paid: 5,
  apology: 6,
  stopped: 7,
  handedBack: 8,
  withdrawn: 9,
  processed: 10,
  returned: 11,
} as const;

/**
 * One event of a dossier, compactly: its kind, local day, instant (epoch seconds) and two numbers
 * whose meaning depends on the kind: received (due day), refused (submitted at, epoch seconds;
 * reason), supplement requested (reason), supplement received (new due day), obligation and paid
 * (amount in đồng; paid: platform), apology (promised day), stopped / handed back (reason),
 * processed (1 = refused outcome), returned (channel).
 */
export interface TimelineEvent {
  readonly kind: number;
  readonly day: number;
  readonly sec: number;
  readonly a: number;
  readonly b: number;
}

export interface Timeline {
  /** The one-stop shop that received it (an agency index); the processing agency is the plan's. */
  readonly receiving: number;
  /** Published in the older received.v1 form (one agency both receives and resolves). */
  readonly v1: boolean;
  /** The procedure code's number, 1.00xxxx or 2.00xxxx. */
  readonly procedure: string;
  /** The day the dossier code carries: receipt, or submission for a refused one. */
  readonly codeDay: number;
  readonly events: readonly TimelineEvent[];
}

/** What every timeline is built against: the period, the calendar, receipt weights and the agencies. */
export interface TimelineContext {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  readonly table: DayTable;
  /** Cumulative receipt weights over the period's days (working days weigh 1, days off 0.06). */
  readonly receiptWeights: Float64Array;
  readonly agencies: SimulationAgencies;
  /** Per agency, the communes under it (a district's one-stop shop sometimes receives through them). */
  readonly children: readonly (readonly number[])[];
}

/** Cumulative receipt weights: fewer dossiers on weekends and holidays. */
export function receiptWeights(table: DayTable, from: number, to: number): Float64Array {
  const w = new Float64Array(to - from + 1);
  let acc = 0;
  for (let d = from; d <= to; d += 1) {
    acc += table.isWorking(d) ? 1 : 0.06;
    w[d - from] = acc;
  }
  return w;
}

/** A 32-bit hash of two numbers (murmur3's finalizer over a mix), to seed each dossier's generator. */
export function hash2(a: number, b: number): number {
  let h = imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const DAY_SECONDS = 86_400;
/** Local midnight of a day number, in epoch seconds (UTC+7, no daylight saving). */
const midnight = (day: number) => day * DAY_SECONDS - 7 * 3600;
/** Office hours, 07:30–17:00, as seconds of the day. */
const officeSecond = (rng: SeededRandom) => rng.int(450 * 60, 1020 * 60);

/** How long a procedure takes, in working days: 3–15 mostly, a few quicker, some longer. */
function duration(rng: SeededRandom): number {
  const u = rng.next();
  if (u < 0.07) return rng.int(1, 2);
  if (u < 0.8) return rng.int(3, 15);
  if (u < 0.94) return rng.int(16, 30);
  return rng.int(31, 60);
}

/** A small whole number with mean about `mean` (geometric-like), for gaps between steps. */
const gap = (rng: SeededRandom, mean: number) => floor(-log(1 - rng.next()) * mean);

interface Anchors {
  /** Receipt day. */
  d: number;
  /** Due date set at receipt. */
  due0: number;
  /** 0 no supplement, 1 requested and received (the clock restarts), 2 requested and still awaited. */
  supplement: 0 | 1 | 2;
  s1: number;
  s2: number;
  /** Due date in force after the supplement (if any). */
  due: number;
  /** Closing day (processed, withdrawn, handed back, stopped), or -1 when still open at the end. */
  close: number;
}

/**
 * A dossier's events, rebuilt identically from the plan and the seed whenever they are needed: the
 * plan fixes what must be counted (fate, whether carried over, channel, service level, payments in
 * the period); this adds when and how, within those constraints, from the dossier's own generator.
 * Every event lies on or before the period's last day, in lifecycle order, with increasing instants.
 */
export function buildTimeline(ctx: TimelineContext, plans: DossierPlans, i: number): Timeline {
  const rng = new FastSeededRandom(hash2(ctx.seed, i));
  const { from: F, to: D, table: T } = ctx;
  const agency = plans.agency[i] ?? 0;
  const fate = plans.fate[i] ?? 0;
  const flags = plans.flags[i] ?? 0;
  const carried = isCarried(flags);
  const channel = channelOf(flags);
  const online = channel === CHANNEL.online;
  const procedure = `${rng.chance(0.85) ? 1 : 2}.00${rng.int(1000, 9999)}`;

  const receiptDay = () => {
    const w = ctx.receiptWeights;
    const x = rng.next() * (w[w.length - 1] ?? 0);
    let lo = 0;
    let hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((w[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return F + lo;
  };
  /** Received before the period: most a few weeks before it (mean `mean` days), on a working day. */
  const carriedDay = (mean: number) => T.previousWorkingDay(F - 1 - min(gap(rng, mean), 200), F - 200);

  if (fate === FATE.refused) {
    const day = receiptDay();
    const refusedSecond = officeSecond(rng);
    const earlier = rng.chance(0.4);
    const submittedDay = earlier ? day - 1 : day;
    const submitted = midnight(submittedDay) + (earlier ? rng.int(0, DAY_SECONDS - 1) : rng.int(0, refusedSecond - 60));
    return {
      receiving: agency,
      v1: false,
      procedure,
      codeDay: submittedDay,
      events: [{ kind: EV.refused, day, sec: midnight(day) + refusedSecond, a: submitted, b: rng.int(0, 2) }],
    };
  }

  const resolved = fate === FATE.early || fate === FATE.onTime || fate === FATE.late;
  const open = fate === FATE.notDue || fate === FATE.overdue;
  const anchors = chooseAnchors();

  function chooseAnchors(): Anchors {
    for (let attempt = 0; attempt < 16; attempt += 1) {
      const a = tryAnchors();
      if (a) return a;
    }
    return fallbackAnchors();
  }

  /** One draw of the days that decide what the dossier counts as; undefined when it misses. */
  function tryAnchors(): Anchors | undefined {
    const n = duration(rng);
    if (resolved) {
      let d: number;
      if (carried && fate !== FATE.late) {
        // Due after the period starts: received at most n working days before it.
        const earliest = T.nthWorkingDayBefore(F + 1, n);
        if (earliest > F - 1) return undefined;
        d = T.previousWorkingDay(rng.int(earliest, F - 1), earliest);
      } else d = carried ? carriedDay(20) : receiptDay();
      const supplement = rng.chance(0.08) ? 1 : 0;
      const s1 = supplement ? d + rng.int(0, 4) : d;
      const s2 = supplement ? s1 + rng.int(1, 10) : d;
      const due0 = T.addWorkingDays(d, n);
      const due = supplement ? T.addWorkingDays(s2, n) : due0;
      const lo = max(carried ? F : d, s2);
      let close: number;
      if (fate === FATE.early) {
        const hi = min(due - 1, D);
        if (lo > hi) return undefined;
        close = T.pickWorkingDay(rng, lo, hi);
      } else if (fate === FATE.onTime) {
        close = due;
        if (close < lo || close > D) return undefined;
      } else {
        close = max(lo, T.addWorkingDays(due, 1 + min(gap(rng, 3), 40)));
        if (close > D) {
          const earliest = max(lo, due + 1);
          if (earliest > D) return undefined;
          close = rng.int(earliest, D);
        }
      }
      return { d, due0, supplement, s1, s2, due, close };
    }
    if (open) {
      if (fate === FATE.notDue) {
        if (!carried) {
          // Received within its n working days before the end: due on or after it.
          const d = T.pickWorkingDay(rng, max(F, T.nthWorkingDayBefore(D, n)), D);
          const due = T.addWorkingDays(d, n);
          const pending = rng.chance(0.15);
          return { d, due0: due, supplement: pending ? 2 : 0, s1: pending ? min(D, d + rng.int(0, 5)) : d, s2: d, due, close: -1 };
        }
        const d = carriedDay(30);
        if (rng.chance(0.5)) {
          // A long procedure (land, construction): due after the period.
          const due = T.addWorkingDays(d, T.workingDaysBetween(d, D) + 1 + rng.int(0, 20));
          return { d, due0: due, supplement: 0, s1: d, s2: d, due, close: -1 };
        }
        // A supplement received near the end restarted the clock.
        const s1 = rng.int(max(F, D - 25), D);
        const s2 = min(D, s1 + rng.int(1, 10));
        const due = T.addWorkingDays(s2, T.workingDaysBetween(s2, D) + n);
        return { d, due0: T.addWorkingDays(d, n), supplement: 1, s1, s2, due, close: -1 };
      }
      // Overdue at the end.
      const d = carried ? carriedDay(45) : receiptDay();
      const due0 = T.addWorkingDays(d, n);
      const u = rng.next();
      const supplement = u < 0.2 ? 2 : u < 0.28 ? 1 : 0;
      const s1 = supplement ? d + rng.int(0, 4) : d;
      const s2 = supplement === 1 ? s1 + rng.int(1, 10) : d;
      const due = supplement === 1 ? T.addWorkingDays(s2, n) : due0;
      if (due >= D || s1 > D || s2 > D) return undefined;
      return { d, due0, supplement, s1, s2, due, close: -1 };
    }
    // Withdrawn, handed back or stopped: often while a requested supplement was awaited.
    const d = carried ? carriedDay(20) : receiptDay();
    const due0 = T.addWorkingDays(d, n);
    const pending = rng.chance(fate === FATE.withdrawn ? 0.15 : 0.35);
    const s1 = pending ? d + rng.int(1, 6) : d;
    if (s1 > D) return undefined;
    const lo = max(carried ? F : d, s1);
    let close = lo + gap(rng, 6);
    if (close > D) close = rng.int(lo, D);
    close = T.nextWorkingDay(close, D);
    return { d, due0, supplement: pending ? 2 : 0, s1, s2: d, due: due0, close };
  }

  /** Anchors that always fit (the period spans at least two days), should every draw miss. */
  function fallbackAnchors(): Anchors {
    const d = carried ? F - 1 : F;
    const base = { d, due0: d, supplement: 0 as const, s1: d, s2: d, due: d };
    switch (fate) {
      case FATE.early:
        return { ...base, due0: T.addWorkingDays(F, 1) + 1, due: T.addWorkingDays(F, 1) + 1, close: F };
      case FATE.onTime:
        return { ...base, due0: F, due: F, close: F };
      case FATE.late:
        return { ...base, close: F + 1 };
      case FATE.notDue:
        return { ...base, due0: D, due: D, close: -1 };
      case FATE.overdue:
        return { ...base, close: -1 };
      default:
        return { ...base, close: F };
    }
  }

  // The one-stop shop that received it: the provincial centre (under the people's committee) for
  // a third of the departments' dossiers, a commune for a tenth of a district's.
  const root = ctx.agencies.root;
  const level = ctx.agencies.levels[agency];
  let receiving = agency;
  if (level === 'province' && agency !== root && rng.chance(0.35)) receiving = root;
  const children = ctx.children[agency] ?? [];
  if (level === 'district' && children.length > 0 && rng.chance(0.1)) receiving = rng.pick(children);
  const v1 = receiving === agency && rng.chance(0.1);

  const events: TimelineEvent[] = [];
  let cursorDay = anchors.d;
  let cursorSecond = 0;
  const emit = (kind: number, day: number, a = 0, b = 0) => {
    if (day < cursorDay) throw new Error(`internal: dossier ${i}: event ${kind} on day ${day} before ${cursorDay}`);
    const second = day === cursorDay && events.length > 0 ? cursorSecond + rng.int(30, 900) : officeSecond(rng);
    if (second >= DAY_SECONDS) throw new Error(`internal: dossier ${i}: too many events on day ${day}`);
    cursorDay = day;
    cursorSecond = second;
    events.push({ kind, day, sec: midnight(day) + second, a, b });
  };
  /** A day in [lo, hi], early ones likelier. */
  const between = (lo: number, hi: number) => (hi <= lo ? lo : lo + floor(rng.next() ** 2 * (hi - lo + 1)));
  const fee = () => rng.int(10, 500) * 1000;
  const platform = () => (rng.chance(0.8) ? 0 : rng.int(1, 2));

  const { d, supplement } = anchors;
  const end = anchors.close >= 0 ? anchors.close : D;
  const inPeriodFrom = carried ? F : d;

  // How the counted payments are made: at submission (online, received in the period), against a
  // financial obligation, while in progress, or when the result is ready.
  const payments = paymentsOf(flags);
  const modes: ('submission' | 'obligation' | 'during' | 'resolution')[] = [];
  const canOblige = supplement !== 2;
  if (payments === 2) {
    modes.push(carried ? 'during' : 'submission', resolved ? 'resolution' : canOblige ? 'obligation' : 'during');
  } else if (payments === 1) {
    const u = rng.next();
    let mode: (typeof modes)[number];
    if (!carried && online) mode = u < 0.55 ? 'submission' : u < 0.8 ? 'obligation' : u < 0.92 ? 'resolution' : 'during';
    else mode = u < 0.45 ? 'obligation' : u < 0.8 ? 'resolution' : 'during';
    if (mode === 'obligation' && !canOblige) mode = 'during';
    if (mode === 'resolution' && !resolved) mode = 'during';
    modes.push(mode);
  }

  emit(EV.received, d, anchors.due0);
  // Paid online at submission before the period: not one of the period's payments.
  if (carried && online && rng.chance(0.4)) emit(EV.paid, d, fee(), platform());
  const times = (mode: (typeof modes)[number]) => modes.filter((m) => m === mode).length;
  if (times('submission') > 0) emit(EV.paid, d, fee(), platform());
  if (supplement > 0) {
    emit(EV.supplementRequested, anchors.s1, rng.int(0, 1));
    if (supplement === 1) emit(EV.supplementReceived, anchors.s2, anchors.due);
  }
  if (times('obligation') > 0) {
    const amount = fee();
    emit(EV.obligation, T.nextWorkingDay(between(max(cursorDay, inPeriodFrom), end), end), amount);
    emit(EV.paid, between(cursorDay, min(end, cursorDay + 3)), amount, platform());
  } else if (canOblige && rng.chance(0.03)) {
    // An obligation settled in person: no online payment event follows.
    emit(EV.obligation, between(cursorDay, end), fee());
  }
  for (let k = times('during'); k > 0; k -= 1) emit(EV.paid, between(max(cursorDay, inPeriodFrom), end), fee(), platform());

  // An apology letter for some late ones and some overdue at the end: it promises a new date and
  // does not move the due date.
  const apologise = supplement !== 2 && ((fate === FATE.late && rng.chance(0.5)) || (fate === FATE.overdue && rng.chance(0.4)));
  if (apologise) {
    const day = between(max(cursorDay, anchors.due - 2), end);
    const promised = fate === FATE.late ? (rng.chance(0.7) ? end : T.addWorkingDays(end, rng.int(1, 3))) : T.addWorkingDays(max(day, D), rng.int(3, 15));
    emit(EV.apology, day, promised);
  }

  if (resolved) {
    emit(EV.processed, anchors.close, rng.chance(0.04) ? 1 : 0);
    if (times('resolution') > 0) emit(EV.paid, between(cursorDay, min(D, cursorDay + 2)), fee(), platform());
    if (rng.chance(0.9)) {
      const returned =
        channel === CHANNEL.online
          ? rng.chance(0.75)
            ? CHANNEL.online
            : CHANNEL.postal
          : channel === CHANNEL.postal
            ? CHANNEL.postal
            : rng.chance(0.85)
              ? CHANNEL.inPerson
              : CHANNEL.postal;
      emit(EV.returned, max(cursorDay, min(D, anchors.close + gap(rng, 1.5))), returned);
    }
  } else if (!open) {
    const kind = fate === FATE.withdrawn ? EV.withdrawn : fate === FATE.stopped ? EV.stopped : EV.handedBack;
    emit(kind, anchors.close, rng.int(0, 1));
  }
  return { receiving, v1, procedure, codeDay: d, events };
}
