import { DateTime } from 'luxon';

/** Every day boundary in the domain is a Vietnamese calendar day. */
export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

const HOURS_7 = 7 * 3_600_000;
// Asia/Ho_Chi_Minh has kept UTC+7, without daylight saving, since 13 June 1975.
const FIXED_OFFSET_SINCE = Date.UTC(1975, 5, 13);

/** The Asia/Ho_Chi_Minh calendar date (YYYY-MM-DD) of an ISO 8601 instant with offset. */
export function localDay(isoInstant: string): string {
  const ms = Date.parse(isoInstant);
  // Every projected and ingested event takes this path, so it avoids luxon's zone machinery when
  // the offset is known to be fixed; older or unparsable instants go the careful way.
  if (Number.isFinite(ms) && ms >= FIXED_OFFSET_SINCE && /[zZ]|[+-]\d{2}:?\d{2}$/.test(isoInstant)) {
    return new Date(ms + HOURS_7).toISOString().slice(0, 10);
  }
  const dt = DateTime.fromISO(isoInstant, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO 8601 instant: ${isoInstant}`);
  return dt.setZone(VIETNAM_ZONE).toISODate() as string;
}
