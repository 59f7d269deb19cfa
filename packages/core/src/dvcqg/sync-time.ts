/**
 * Times in the national portal's records are `yyyyMMddHHmmss`, local time (Asia/Ho_Chi_Minh, +07:00
 * all year): read here as ISO 8601 instants with their offset, and written back for a feed.
 */

const SYNC_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

export interface SyncTime {
  /** The instant, `2024-03-15T08:30:00+07:00`. */
  readonly instant: string;
  /** Its local calendar day, `2024-03-15`. */
  readonly day: string;
}

/** A `yyyyMMddHHmmss` local time, or undefined when it is not one (a 30 February, an hour 24…). */
export function readSyncTime(text: string): SyncTime | undefined {
  const m = SYNC_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const utc = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 30 February over to March: a time that does not round-trip is not a time.
  if (
    utc.getUTCFullYear() !== y ||
    utc.getUTCMonth() !== mo - 1 ||
    utc.getUTCDate() !== d ||
    utc.getUTCHours() !== h ||
    utc.getUTCMinutes() !== mi ||
    utc.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  const day = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return { instant: `${day}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}+07:00`, day };
}

const VN_OFFSET_MS = 7 * 3600 * 1000;
const two = (n: number) => String(n).padStart(2, '0');

/** An instant (ISO 8601 with any offset) as the portal writes it: `yyyyMMddHHmmss` in Vietnamese local time. */
export function writeSyncTime(iso: string): string {
  const local = new Date(Date.parse(iso) + VN_OFFSET_MS);
  return (
    `${local.getUTCFullYear()}${two(local.getUTCMonth() + 1)}${two(local.getUTCDate())}` +
    `${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}`
  );
}

/** A calendar day `YYYY-MM-DD` as the portal writes a date: its first second, `yyyyMMdd000000`. */
export const writeSyncDay = (day: string): string => `${day.slice(0, 4)}${day.slice(5, 7)}${day.slice(8, 10)}000000`;
