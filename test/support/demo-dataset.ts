import { DateTime } from 'luxon';
import { addDays, addWorkingDays, daysBetween, type AnyVersionDossierEvent, type Channel, type DayRange, type OnlineServiceLevel } from '@tthc/core';
import { SeededRandom } from '@tthc/simulator';

export interface DemoOptions {
  readonly seed: number;
  readonly dossiers: number;
  /** Days on which dossiers are received; later events may fall after it. */
  readonly period: DayRange;
  readonly agencies?: readonly string[];
  readonly source?: string;
}

/** What the generator decided, tallied from its own choices, for tests to hold the pipeline to. */
export interface ExpectedCounts {
  received: number;
  receivedOnline: number;
  refusedAtReception: number;
  supplementRequested: number;
  apologyIssued: number;
  resolvedEarly: number;
  /** Resolved on the due day itself (the report's resolvedOnTime counts the early ones too). */
  resolvedOnDueDay: number;
  resolvedLate: number;
  fullProcessResolved: number;
  fullProcessResolvedOnline: number;
  withdrawn: number;
  handedBack: number;
  processingStopped: number;
  resultReturned: number;
  paidOnlineCount: number;
  paidOnlineAmount: number;
}

export interface DemoDataset {
  /** In time order, as a one-stop shop would publish them; a tenth of receipts in the older v1 form. */
  readonly events: readonly AnyVersionDossierEvent[];
  /** Tallies for the option's period, by the agency that resolves each dossier. */
  readonly expected: { readonly total: ExpectedCounts; readonly byAgency: Readonly<Record<string, ExpectedCounts>> };
}

export const DEMO_SOURCE = 'urn:tthc:demo-motcua';

export const DEMO_AGENCIES = ['000.00.01.H36', '000.00.02.H36', '000.21.36.H36', '000.22.36.H36'] as const;

const emptyCounts = (): ExpectedCounts => ({
  received: 0,
  receivedOnline: 0,
  refusedAtReception: 0,
  supplementRequested: 0,
  apologyIssued: 0,
  resolvedEarly: 0,
  resolvedOnDueDay: 0,
  resolvedLate: 0,
  fullProcessResolved: 0,
  fullProcessResolvedOnline: 0,
  withdrawn: 0,
  handedBack: 0,
  processingStopped: 0,
  resultReturned: 0,
  paidOnlineCount: 0,
  paidOnlineAmount: 0,
});

const CHANNELS: readonly [Channel, number][] = [
  ['in-person', 0.55],
  ['online', 0.4],
  ['postal', 0.05],
];
const LEVELS: readonly [OnlineServiceLevel, number][] = [
  ['full-process', 0.3],
  ['partial', 0.4],
  ['none', 0.3],
];

function weighted<T>(rng: SeededRandom, options: readonly (readonly [T, number])[]): T {
  let x = rng.next();
  for (const [value, weight] of options) {
    if (x < weight) return value;
    x -= weight;
  }
  const last = options[options.length - 1];
  if (!last) throw new RangeError('no options');
  return last[0];
}

/**
 * A local (UTC+7) wall-clock minute on `day` as an instant. A fifth of instants are written in UTC,
 * as some publishers do; the local day is what the generator counts by.
 */
function instant(rng: SeededRandom, day: string, minuteOfDay: number): string {
  const local = DateTime.fromISO(day, { zone: 'UTC+7' }).plus({ minutes: minuteOfDay });
  const written = rng.chance(0.2) ? local.toUTC() : local;
  return written.toISO({ suppressMilliseconds: true }) ?? day;
}

/** Office hours, 07:30–17:00. */
const officeMinute = (rng: SeededRandom) => rng.int(450, 1020);

/**
 * A small, deterministic set of dossier lifecycles for the demo and the tests: receipts in person,
 * online and by post, online submissions refused at reception, supplements that reset the due date,
 * apologies that do not, financial obligations, payments, withdrawals, hand-backs, stops, results
 * early / on time / late, and dossiers still open at the end.
 */
export function generateDemoDataset(options: DemoOptions): DemoDataset {
  const rng = new SeededRandom(options.seed);
  const agencies = options.agencies ?? DEMO_AGENCIES;
  const source = options.source ?? DEMO_SOURCE;
  const { from, to } = options.period;
  const span = daysBetween(from, to);
  const total = emptyCounts();
  const byAgency: Record<string, ExpectedCounts> = {};
  const events: AnyVersionDossierEvent[] = [];

  for (let n = 0; n < options.dossiers; n += 1) {
    const agencyCode = rng.pick(agencies);
    const tally = (byAgency[agencyCode] ??= emptyCounts());
    const count = (day: string, key: keyof ExpectedCounts, value = 1) => {
      if (day < from || day > to) return;
      tally[key] += value;
      total[key] += value;
    };
    const subject = `H36-${from.slice(2, 4)}${String(n).padStart(7, '0')}`;
    // Time-ordered ids, as real senders' (the publisher SDK's) are.
    const envelope = (time: string) => ({ specversion: '1.0' as const, id: rng.uuidV7(Date.parse(time)), source, subject, time });
    const procedureCode = `1.00${rng.int(1000, 9999)}`;
    const channel = weighted(rng, CHANNELS);
    const level = weighted(rng, LEVELS);
    let day = addDays(from, rng.int(0, span));

    if (channel === 'online' && rng.chance(0.04)) {
      const submittedAt = instant(rng, day, rng.int(0, 1439));
      const refusedDay = addDays(day, 1);
      const refusedAt = instant(rng, refusedDay, officeMinute(rng));
      events.push({
        ...envelope(refusedAt),
        type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
        data: { procedureCode, agencyCode, submittedAt, refusedAt, reasonCode: 'INCOMPLETE' },
      });
      count(refusedDay, 'refusedAtReception');
      continue;
    }

    const receivedAt = instant(rng, day, officeMinute(rng));
    let dueDate = addWorkingDays(day, rng.int(3, 15));
    const receivingAgencyCode = rng.chance(0.15) ? rng.pick(agencies) : agencyCode;
    if (receivingAgencyCode === agencyCode && rng.chance(0.1)) {
      events.push({
        ...envelope(receivedAt),
        type: 'vn.gov.tthc.dossier.received.v1',
        data: { procedureCode, agencyCode, channel, onlineServiceLevel: level, receivedAt, dueDate },
      });
    } else {
      events.push({
        ...envelope(receivedAt),
        type: 'vn.gov.tthc.dossier.received.v2',
        data: { procedureCode, receivingAgencyCode, processingAgencyCode: agencyCode, channel, onlineServiceLevel: level, receivedAt, dueDate },
      });
    }
    count(day, 'received');
    if (channel === 'online') count(day, 'receivedOnline');

    // Each later event falls on a later day than the one before it, so time order keeps the lifecycle.
    const next = (minDays: number, maxDays: number) => (day = addDays(day, rng.int(minDays, maxDays)));
    const pay = () => {
      next(1, 2);
      const paidAt = instant(rng, day, rng.int(0, 1439));
      const amountVnd = rng.int(1, 500) * 1000;
      events.push({
        ...envelope(paidAt),
        type: 'vn.gov.tthc.dossier.paid-online.v1',
        data: { transactionId: `TX${rng.int(100000000, 999999999)}`, amountVnd, platform: 'payment-platform-dvcqg', paidAt },
      });
      count(day, 'paidOnlineCount');
      count(day, 'paidOnlineAmount', amountVnd);
    };

    if (rng.chance(0.2)) pay();
    if (rng.chance(0.1)) {
      next(1, 3);
      const requestedAt = instant(rng, day, officeMinute(rng));
      events.push({ ...envelope(requestedAt), type: 'vn.gov.tthc.dossier.supplement-requested.v1', data: { requestedAt } });
      count(day, 'supplementRequested');
      next(2, 10);
      const suppliedAt = instant(rng, day, officeMinute(rng));
      dueDate = addWorkingDays(day, rng.int(3, 10)); // the clock restarts
      events.push({
        ...envelope(suppliedAt),
        type: 'vn.gov.tthc.dossier.supplement-received.v1',
        data: { receivedAt: suppliedAt, newDueDate: dueDate },
      });
    }
    if (rng.chance(0.08)) {
      next(1, 2);
      const requestedAt = instant(rng, day, officeMinute(rng));
      events.push({
        ...envelope(requestedAt),
        type: 'vn.gov.tthc.dossier.financial-obligation-requested.v1',
        data: { requestedAt, amountVnd: rng.int(10, 2000) * 1000 },
      });
      if (rng.chance(0.7)) pay(); // else settled in person: no online payment event
    }

    const fate = weighted(rng, [
      ['withdrawn', 0.05],
      ['handed-back', 0.02],
      ['stopped', 0.01],
      ['open', 0.07],
      ['early', 0.51],
      ['on-time', 0.25],
      ['late', 0.09],
    ] as const);
    if (fate === 'open') continue;
    if (fate === 'withdrawn' || fate === 'handed-back' || fate === 'stopped') {
      next(1, 10);
      const at = instant(rng, day, officeMinute(rng));
      if (fate === 'withdrawn') events.push({ ...envelope(at), type: 'vn.gov.tthc.dossier.withdrawn.v1', data: { withdrawnAt: at } });
      else if (fate === 'handed-back')
        events.push({ ...envelope(at), type: 'vn.gov.tthc.dossier.handed-back.v1', data: { handedBackAt: at, reasonCode: 'NOT_ELIGIBLE' } });
      else events.push({ ...envelope(at), type: 'vn.gov.tthc.dossier.processing-stopped.v1', data: { stoppedAt: at } });
      count(day, fate === 'withdrawn' ? 'withdrawn' : fate === 'handed-back' ? 'handedBack' : 'processingStopped');
      continue;
    }

    const earliest = addDays(day, 1);
    let finishDay: string;
    if (fate === 'early' && earliest < dueDate) finishDay = addDays(earliest, rng.int(0, daysBetween(earliest, dueDate) - 1));
    else if (fate !== 'late' && earliest <= dueDate) finishDay = dueDate;
    else {
      finishDay = addDays(dueDate > day ? dueDate : day, rng.int(1, 10));
      const apologyDay = addDays(day, 1);
      if (rng.chance(0.5) && apologyDay < finishDay) {
        // An apology letter with a new date: the dossier is still judged against its due date.
        day = apologyDay;
        const issuedAt = instant(rng, day, officeMinute(rng));
        events.push({
          ...envelope(issuedAt),
          type: 'vn.gov.tthc.dossier.apology-issued.v1',
          data: { issuedAt, newAppointmentDate: addWorkingDays(finishDay, 1) },
        });
        count(day, 'apologyIssued');
      }
    }
    day = finishDay;
    // Late-evening and early-morning instants test local-day bucketing across the UTC date line.
    const finishedAt = instant(rng, day, rng.chance(0.1) ? rng.pick([5, 90, 1410, 1439]) : officeMinute(rng));
    events.push({
      ...envelope(finishedAt),
      type: 'vn.gov.tthc.dossier.processed.v1',
      data: { outcome: rng.chance(0.95) ? 'approved' : 'refused', finishedAt },
    });
    count(day, finishDay < dueDate ? 'resolvedEarly' : finishDay === dueDate ? 'resolvedOnDueDay' : 'resolvedLate');
    if (level === 'full-process') {
      count(day, 'fullProcessResolved');
      if (channel === 'online') count(day, 'fullProcessResolvedOnline');
    }

    if (rng.chance(0.9)) {
      next(1, 3);
      const returnedAt = instant(rng, day, officeMinute(rng));
      events.push({
        ...envelope(returnedAt),
        type: 'vn.gov.tthc.dossier.result-returned.v1',
        data: { returnedAt, channel: channel === 'online' ? 'online' : rng.pick(['in-person', 'postal'] as const) },
      });
      count(day, 'resultReturned');
    }
  }
  const ordered = events
    .map((event, index) => ({ event, index, at: DateTime.fromISO(event.time).toMillis() }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((x) => x.event);
  return { events: ordered, expected: { total, byAgency } };
}
