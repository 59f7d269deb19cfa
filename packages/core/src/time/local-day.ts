import { DateTime } from 'luxon';

/** Every day boundary in the domain is a Vietnamese calendar day. */
export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

/** The Asia/Ho_Chi_Minh calendar date (YYYY-MM-DD) of an ISO 8601 instant with offset. */
export function localDay(isoInstant: string): string {
  const dt = DateTime.fromISO(isoInstant, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO 8601 instant: ${isoInstant}`);
  return dt.setZone(VIETNAM_ZONE).toISODate() as string;
}
