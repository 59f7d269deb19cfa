import { DateTime } from 'luxon';
import type { Channel, DossierEvent, OnlineServiceLevel } from '../events';
import type { DayRange } from '../projection/projection-store';
import { addDays, addWorkingDays, daysBetween } from '../time/working-days';
import { SeededRandom } from './random';

export interface DemoOptions {
  readonly seed: number;
  readonly dossiers: number;
  /** Days on which dossiers are received; late ones may finish after it. */
  readonly period: DayRange;
  readonly agencies?: readonly string[];
  readonly source?: string;
}

/** What the generator decided, tallied from its own choices, for tests to hold the pipeline to. */
export interface ExpectedCounts {
  received: number;
  receivedOnline: number;
  resolvedEarly: number;
  resolvedOnTime: number;
  resolvedLate: number;
  fullProcessResolved: number;
  fullProcessResolvedOnline: number;
  resultReturned: number;
  paidOnlineCount: number;
  paidOnlineAmount: number;
}

export interface DemoDataset {
  readonly events: readonly DossierEvent[];
  /** Tallies for the option's period. */
  readonly expected: { readonly total: ExpectedCounts; readonly byAgency: Readonly<Record<string, ExpectedCounts>> };
}

export const DEMO_AGENCIES = ['000.00.01.H36', '000.00.02.H36', '000.21.36.H36', '000.22.36.H36'] as const;

const emptyCounts = (): ExpectedCounts => ({
  received: 0,
  receivedOnline: 0,
  resolvedEarly: 0,
  resolvedOnTime: 0,
  resolvedLate: 0,
  fullProcessResolved: 0,
  fullProcessResolvedOnline: 0,
  resultReturned: 0,
  paidOnlineCount: 0,
  paidOnlineAmount: 0,
});

/**
 * Writes a local (UTC+7) wall-clock time on `day` as an instant. Some publishers send UTC, so a
 * share of instants is written with `Z`; the local day is what the generator counts by.
 */
function instant(rng: SeededRandom, day: string, minuteOfDay: number): string {
  const local = DateTime.fromISO(day, { zone: 'UTC+7' }).plus({ minutes: minuteOfDay });
  return rng.chance(0.2) ? (local.toUTC().toISO({ suppressMilliseconds: true }) as string) : (local.toISO({ suppressMilliseconds: true }) as string);
}

const CHANNELS: readonly [Channel, number][] = [['in-person', 0.55], ['online', 0.4], ['postal', 0.05]];
const LEVELS: readonly [OnlineServiceLevel, number][] = [['full-process', 0.3], ['partial', 0.4], ['none', 0.3]];

function weighted<T>(rng: SeededRandom, options: readonly [T, number][]): T {
  let x = rng.next();
  for (const [value, weight] of options) {
    if (x < weight) return value;
    x -= weight;
  }
  const last = options[options.length - 1];
  if (!last) throw new RangeError('no options');
  return last[0];
}

/** A small, deterministic, realistic-enough set of dossier lifecycles for the demo and the tests. */
export function generateDemoDataset(options: DemoOptions): DemoDataset {
  const rng = new SeededRandom(options.seed);
  const agencies = options.agencies ?? DEMO_AGENCIES;
  const source = options.source ?? 'urn:tthc:demo-motcua';
  const { from, to } = options.period;
  const span = daysBetween(from, to);
  const inRange = (day: string) => day >= from && day <= to;
  const total = emptyCounts();
  const byAgency: Record<string, ExpectedCounts> = {};
  const events: DossierEvent[] = [];

  for (let n = 0; n < options.dossiers; n += 1) {
    const agencyCode = rng.pick(agencies);
    const tally = (byAgency[agencyCode] ??= emptyCounts());
    const count = (day: string, key: keyof ExpectedCounts, value = 1) => {
      if (!inRange(day)) return;
      tally[key] += value;
      total[key] += value;
    };
    const subject = `H36-${from.slice(2, 4)}${String(n).padStart(7, '0')}`;
    const envelope = (time: string) => ({ specversion: '1.0' as const, id: rng.uuid(), source, subject, time });

    const receivedDay = addDays(from, rng.int(0, span));
    const receivedAt = instant(rng, receivedDay, rng.int(450, 1020));
    const dueDate = addWorkingDays(receivedDay, rng.int(3, 15));
    const channel = weighted(rng, CHANNELS);
    const level = weighted(rng, LEVELS);
    events.push({
      ...envelope(receivedAt),
      type: 'vn.gov.tthc.dossier.received.v1',
      data: { procedureCode: `1.00${rng.int(1000, 9999)}`, agencyCode, channel, onlineServiceLevel: level, receivedAt, dueDate },
    });
    count(receivedDay, 'received');
    if (channel === 'online') count(receivedDay, 'receivedOnline');

    if (rng.chance(0.3)) {
      const paidDay = addDays(receivedDay, rng.int(1, 2)); // after receipt, so the feed's time order keeps it there
      const paidAt = instant(rng, paidDay, rng.int(0, 1439));
      const amountVnd = rng.int(1, 500) * 1000;
      events.push({
        ...envelope(paidAt),
        type: 'vn.gov.tthc.dossier.paid-online.v1',
        data: { transactionId: `TX${rng.int(100000000, 999999999)}`, amountVnd, platform: 'payment-platform', paidAt },
      });
      count(paidDay, 'paidOnlineCount');
      count(paidDay, 'paidOnlineAmount', amountVnd);
    }

    if (rng.chance(0.08)) continue; // still in progress
    const fate = weighted(rng, [['early', 0.6], ['on-time', 0.3], ['late', 0.1]] as const);
    const finishDay =
      fate === 'early'
        ? addDays(receivedDay, rng.int(1, daysBetween(receivedDay, dueDate) - 1))
        : fate === 'on-time'
          ? dueDate
          : addDays(dueDate, rng.int(1, 10));
    // Late evening and early morning instants test local-day bucketing across the UTC date line.
    const finishedAt = instant(rng, finishDay, rng.chance(0.1) ? rng.pick([5, 90, 1410, 1439]) : rng.int(450, 1020));
    events.push({
      ...envelope(finishedAt),
      type: 'vn.gov.tthc.dossier.processed.v1',
      data: { outcome: rng.chance(0.95) ? 'approved' : 'refused', finishedAt },
    });
    count(finishDay, fate === 'early' ? 'resolvedEarly' : fate === 'on-time' ? 'resolvedOnTime' : 'resolvedLate');
    if (level === 'full-process') {
      count(finishDay, 'fullProcessResolved');
      if (channel === 'online') count(finishDay, 'fullProcessResolvedOnline');
    }

    if (rng.chance(0.9)) {
      const returnDay = addDays(finishDay, rng.int(1, 3));
      const returnedAt = instant(rng, returnDay, rng.int(450, 1020));
      events.push({
        ...envelope(returnedAt),
        type: 'vn.gov.tthc.dossier.result-returned.v1',
        data: { returnedAt, channel: channel === 'online' ? 'online' : rng.pick(['in-person', 'postal'] as const) },
      });
      count(returnDay, 'resultReturned');
    }
  }
  // A feed in time order, as a one-stop shop would publish it; each dossier's own order is kept.
  const ordered = events
    .map((event, index) => ({ event, index, at: DateTime.fromISO(event.time).toMillis() }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((x) => x.event);
  return { events: ordered, expected: { total, byAgency } };
}
