import type { ExpectedRevision } from './event-store';
import { WrongExpectedRevisionError } from './errors';

/** Throws unless a stream whose last revision is `actual` (undefined: no stream) meets `expected`. */
export function assertExpectedRevision(streamId: string, expected: ExpectedRevision, actual: bigint | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === undefined) ||
    (expected === 'stream_exists' && actual !== undefined) ||
    (typeof expected === 'bigint' && actual === expected);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual ?? 'no_stream');
}
