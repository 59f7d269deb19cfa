import type { NewEvent } from './event-store';

/** Structural JSON equality, independent of key order, for idempotency checks. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameJson(ra[k], rb[k]));
}

/** A redelivered event is the same when its stream, type and data match what is stored. */
export const sameEvent = (stored: { streamId: string; type: string; data: unknown }, streamId: string, candidate: NewEvent): boolean =>
  stored.streamId === streamId && stored.type === candidate.type && sameJson(stored.data, candidate.data);
