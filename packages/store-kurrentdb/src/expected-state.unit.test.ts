import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import { fromAppendStreamState, fromCurrentStreamState, toAppendStreamState } from './expected-state';

describe('expected revision mapping', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0n, 0n],
    [41n, 41n],
  ] as const)('our %p is the client’s %p', (ours, theirs) => {
    expect(toAppendStreamState(ours)).toBe(theirs);
    expect(fromAppendStreamState(theirs)).toBe(ours);
  });

  it.each([
    [-1n, 'no_stream'],
    [-2n, 'any'],
    [-4n, 'stream_exists'],
  ] as const)('reads the server sentinel %p in an error as %p', (sentinel, ours) => {
    expect(fromAppendStreamState(sentinel)).toBe(ours);
  });

  it('reads an actual revision as a revision, and no stream (or a negative sentinel) as no_stream', () => {
    expect(fromCurrentStreamState(7n)).toBe(7n);
    expect(fromCurrentStreamState(0n)).toBe(0n);
    expect(fromCurrentStreamState(NO_STREAM)).toBe('no_stream');
    expect(fromCurrentStreamState(-1n)).toBe('no_stream');
  });
});
