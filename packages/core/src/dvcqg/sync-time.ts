/**
 * Times in the national portal's records are `yyyyMMddHHmmss`, local time (Asia/Ho_Chi_Minh, +07:00
 * all year): read here as ISO 8601 instants with their offset, and written back for a feed.
 */

export interface SyncTime {
  /** The instant, `2024-03-15T08:30:00+07:00`. */
  readonly instant: string;
  /** Its local calendar day, `2024-03-15`. */
  readonly day: string;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * A `yyyyMMddHHmmss` local time, or undefined when it is not one (a 30 February, an hour 24…).
 * Digit by digit: every time of every record passes here, several per record.
 */
export function readSyncTime(text: string): SyncTime | undefined {
  if (text.length !== 14) return undefined;
  for (let i = 0; i < 14; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const num = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i < to; i += 1) n = n * 10 + text.charCodeAt(i) - 48;
    return n;
  };
  const y = num(0, 4);
  const mo = num(4, 6);
  const d = num(6, 8);
  if (mo < 1 || mo > 12 || d < 1 || num(8, 10) > 23 || num(10, 12) > 59 || num(12, 14) > 59) return undefined;
  if (d > (mo === 2 && isLeap(y) ? 29 : (DAYS_IN_MONTH[mo - 1] ?? 31))) return undefined;
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
