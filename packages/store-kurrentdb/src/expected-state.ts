import { ANY, NO_STREAM, STREAM_EXISTS, type AppendStreamState, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import type { ExpectedRevision } from '@tthc/core';

/** Our expectation as the client's append state. */
export function toAppendStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
}

/**
 * The expectation a wrong-expected-version error reports, as ours. Depending on the protocol the
 * client may hand back the server's sentinel numbers instead of its constants.
 */
export function fromAppendStreamState(state: AppendStreamState): ExpectedRevision {
  if (typeof state !== 'bigint') return state;
  if (state === -1n) return 'no_stream';
  if (state === -2n) return 'any';
  if (state === -4n) return 'stream_exists';
  return state;
}

/** The revision a wrong-expected-version error found; any negative number (no stream, deleted, tombstoned) means no stream to append to. */
export function fromCurrentStreamState(state: CurrentStreamState): bigint | 'no_stream' {
  return typeof state === 'bigint' && state >= 0n ? state : 'no_stream';
}
