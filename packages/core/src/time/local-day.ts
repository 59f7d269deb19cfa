import { DateTime } from 'luxon';
import { DAY_MS, dayOfNumber } from './day-number';

/** Every day boundary in the domain is a Vietnamese calendar day. */
export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

const HOURS_7 = 7 * 3_600_000;
// Asia/Ho_Chi_Minh has kept UTC+7, without daylight saving, since 13 June 1975.
const FIXED_OFFSET_SINCE = Date.UTC(1975, 5, 13);
// The fast path writes four-digit years only.
const FOUR_DIGIT_YEARS_UNTIL = Date.UTC(10000, 0, 1) - HOURS_7;
const OFFSET = /[zZ]|[+-]\d{2}:?\d{2}$/;

// The lifecycle, the counts and the timeliness rule each ask for the same event's day in turn.
let lastInstant = '';
let lastDay = '';

/** The Asia/Ho_Chi_Minh calendar date (YYYY-MM-DD) of an ISO 8601 instant with offset. */
export function localDay(isoInstant: string): string {
  if (isoInstant === lastInstant) return lastDay;
  const ms = Date.parse(isoInstant);
  // Every projected and ingested event takes this path, so it avoids luxon's zone machinery when
  // the offset is known to be fixed; older or unparsable instants go the careful way.
  let day: string;
  if (ms >= FIXED_OFFSET_SINCE && ms < FOUR_DIGIT_YEARS_UNTIL && OFFSET.test(isoInstant)) {
    day = dayOfNumber(Math.floor((ms + HOURS_7) / DAY_MS));
  } else {
    const dt = DateTime.fromISO(isoInstant, { setZone: true });
    if (!dt.isValid) throw new RangeError(`not an ISO 8601 instant: ${isoInstant}`);
    day = dt.setZone(VIETNAM_ZONE).toISODate() as string;
  }
  lastInstant = isoInstant;
  lastDay = day;
  return day;
}
