/**
 * A place in the global log. `commit` orders transactions and `prepare` orders events within one,
 * as in KurrentDB's $all. PostgreSQL uses (writing transaction id, sequence) because sequence order
 * is not commit order; SQLite has one writer, so both halves are its row id.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before the first event; every adapter numbers events from 1. */
export const START_OF_LOG: LogPosition = { commit: 0n, prepare: 0n };

export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export const formatLogPosition = (p: LogPosition): string => `${p.commit}/${p.prepare}`;
