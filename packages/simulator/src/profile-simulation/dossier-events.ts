import type { AnyVersionDossierEvent, Channel, OnlineServiceLevel } from '@tthc/core';
import type { DayTable } from './day-table';
import { EV, hash2, type Timeline, type TimelineEvent } from './dossier-timeline';
import { channelOf, serviceOf } from './plan-dossiers';

// Module bindings for the hot paths (see fast-random.ts: global lookups are slow under jest).
const { floor, imul } = Math;

const CHANNELS: readonly Channel[] = ['in-person', 'online', 'postal'];
const SERVICES: readonly OnlineServiceLevel[] = ['none', 'partial', 'full-process'];
const PLATFORMS = ['payment-platform-dvcqg', 'vnpay', 'viettel-money'] as const;
const SUPPLEMENT_REASONS = ['MISSING_DOCUMENT', 'INCOMPLETE'] as const;
const REFUSAL_REASONS = ['INCOMPLETE', 'WRONG_AGENCY', 'DUPLICATE'] as const;
const HAND_BACK_REASONS = ['NOT_ELIGIBLE', 'SUPPLEMENT_NOT_PROVIDED'] as const;
const STOP_REASONS = ['APPLICANT_REQUEST', 'NOT_ELIGIBLE'] as const;

/** What every event of a simulation shares: its source, its id key (from the seed), the calendar and agency codes. */
export interface EventContext {
  readonly source: string;
  readonly idKey: number;
  readonly table: DayTable;
  readonly agencyCodes: readonly string[];
}

/** murmur3's 32-bit finalizer: a bijection, so distinct inputs give distinct outputs. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX16 = Array.from({ length: 16 }, (_, i) => i.toString(16));
const hex8 = (x: number) => `${HEX[x >>> 24] ?? ''}${HEX[(x >>> 16) & 255] ?? ''}${HEX[(x >>> 8) & 255] ?? ''}${HEX[x & 255] ?? ''}`;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** Events sharing one second that get ids in increasing order: 4,096 per millisecond (the 12-bit counter) over the second's 1,000 ms. */
export const ORDERED_PER_SECOND = 4096 * 1000;

/**
 * A UUIDv7-shaped id for the event with this ordinal, published at `sec` (epoch seconds) as the
 * `seq`-th event of that second, the same for the same seed. Real senders' ids (the publisher
 * SDK's) are v7, time-ordered, and a store's id index behaves differently on them than on random ids,
 * so the simulated ones are too: the 48-bit timestamp is the event's time in milliseconds, and
 * `rand_a` (12 bits) a counter within the second (carrying into the milliseconds past 4,096), so ids
 * increase in publish order (RFC 9562, method 1). The last 8 hex digits are a bijection of the
 * ordinal (for a given key), so ids never repeat within a simulation whatever their times.
 */
export function eventId(idKey: number, ordinal: number, sec: number, seq: number): string {
  const a = fmix32((ordinal ^ idKey) >>> 0);
  const b = hash2(idKey, a);
  const s = seq < ORDERED_PER_SECOND ? seq : ORDERED_PER_SECOND - 1;
  const ms = sec * 1000 + floor(s / 4096);
  const hi = floor(ms / 65_536);
  const lo = ms - hi * 65_536;
  const counter = s & 0xfff;
  return (
    `${hex8(hi)}-${HEX[lo >>> 8] ?? ''}${HEX[lo & 255] ?? ''}-7${HEX16[counter >>> 8] ?? ''}${HEX[counter & 255] ?? ''}-` +
    `${HEX16[8 | (b >>> 30)] ?? ''}${HEX16[(b >>> 26) & 15] ?? ''}${HEX[(b >>> 18) & 255] ?? ''}-${HEX[(b >>> 8) & 255] ?? ''}${HEX[b & 255] ?? ''}${hex8(a)}`
  );
}

/** An instant (epoch seconds) written with the +07:00 offset, or in UTC (same local day); days from the table's strings. */
export function instant(table: DayTable, sec: number, utc: boolean): string {
  const shifted = utc ? sec : sec + 7 * 3600;
  const day = floor(shifted / 86_400);
  const s = shifted - day * 86_400;
  const hh = floor(s / 3600);
  const mm = floor((s % 3600) / 60);
  return `${table.iso(day)}T${TWO[hh] ?? ''}:${TWO[mm] ?? ''}:${TWO[s % 60] ?? ''}${utc ? 'Z' : '+07:00'}`;
}

/** `000.00.05.H36-240315-00042`: the receiving one-stop shop, the day, and a serial of that shop's day. */
export function dossierCode(receivingCode: string, day: string, serial: number): string {
  return `${receivingCode}-${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}-${String(serial).padStart(5, '0')}`;
}

/**
 * Builds event `k` of a dossier's timeline as it is published, the `seq`-th of its second (for its id). Object literals spelled out in full
 * (no spreads): a million of them are built per run, and one shape per type keeps that quick.
 */
export function dossierEvent(
  ctx: EventContext,
  agency: number,
  flags: number,
  timeline: Timeline,
  code: string,
  k: number,
  ordinal: number,
  seq: number,
): AnyVersionDossierEvent {
  const e: TimelineEvent | undefined = timeline.events[k];
  if (!e) throw new Error(`internal: dossier ${code} has no event ${k}`);
  const id = eventId(ctx.idKey, ordinal, e.sec, seq);
  const T = ctx.table;
  // A fifth of the instants are written in UTC, as some publishers do.
  const at = instant(T, e.sec, fmix32(ordinal ^ ctx.idKey ^ 0x5bd1e995) % 5 === 0);
  const source = ctx.source;
  const agencyCode = ctx.agencyCodes[agency] ?? '';
  const specversion = '1.0';
  switch (e.kind) {
    case EV.received: {
      const channel = CHANNELS[channelOf(flags)] ?? 'in-person';
      const onlineServiceLevel = SERVICES[serviceOf(flags)] ?? 'none';
      const dueDate = T.iso(e.a);
      if (timeline.v1) {
        return {
          specversion,
          id,
          source,
          type: 'vn.gov.tthc.dossier.received.v1',
          subject: code,
          time: at,
          data: { procedureCode: timeline.procedure, agencyCode, channel, onlineServiceLevel, receivedAt: at, dueDate },
        };
      }
      const receivingAgencyCode = ctx.agencyCodes[timeline.receiving] ?? agencyCode;
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.received.v2',
        subject: code,
        time: at,
        data: {
          procedureCode: timeline.procedure,
          receivingAgencyCode,
          processingAgencyCode: agencyCode,
          channel,
          onlineServiceLevel,
          receivedAt: at,
          dueDate,
        },
      };
    }
    case EV.refused:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
        subject: code,
        time: at,
        data: {
          procedureCode: timeline.procedure,
          agencyCode,
          submittedAt: instant(T, e.a, false),
          refusedAt: at,
          reasonCode: REFUSAL_REASONS[e.b] ?? 'INCOMPLETE',
        },
      };
    case EV.supplementRequested:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.supplement-requested.v1',
        subject: code,
        time: at,
        data: { requestedAt: at, reasonCode: SUPPLEMENT_REASONS[e.a] ?? 'INCOMPLETE' },
      };
    case EV.supplementReceived:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.supplement-received.v1',
        subject: code,
        time: at,
        data: { receivedAt: at, newDueDate: T.iso(e.a) },
      };
    case EV.obligation:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.financial-obligation-requested.v1',
        subject: code,
        time: at,
        data: { requestedAt: at, amountVnd: e.a },
      };
    case EV.paid:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.paid-online.v1',
        subject: code,
        time: at,
        data: { transactionId: `TX${String(ordinal).padStart(10, '0')}`, amountVnd: e.a, platform: PLATFORMS[e.b] ?? PLATFORMS[0], paidAt: at },
      };
    case EV.apology:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.apology-issued.v1',
        subject: code,
        time: at,
        data: { issuedAt: at, newAppointmentDate: T.iso(e.a) },
      };
    case EV.stopped:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.processing-stopped.v1',
        subject: code,
        time: at,
        data: { stoppedAt: at, reasonCode: STOP_REASONS[e.a] ?? 'NOT_ELIGIBLE' },
      };
    case EV.handedBack:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.handed-back.v1',
        subject: code,
        time: at,
        data: { handedBackAt: at, reasonCode: HAND_BACK_REASONS[e.a] ?? 'NOT_ELIGIBLE' },
      };
    case EV.withdrawn:
      return { specversion, id, source, type: 'vn.gov.tthc.dossier.withdrawn.v1', subject: code, time: at, data: { withdrawnAt: at } };
    case EV.processed:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.processed.v1',
        subject: code,
        time: at,
        data: { outcome: e.a === 1 ? 'refused' : 'approved', finishedAt: at },
      };
    case EV.returned:
      return {
        specversion,
        id,
        source,
        type: 'vn.gov.tthc.dossier.result-returned.v1',
        subject: code,
        time: at,
        data: { returnedAt: at, channel: CHANNELS[e.a] ?? 'in-person' },
      };
    default:
      throw new Error(`internal: unknown timeline event kind ${e.kind}`);
  }
}
