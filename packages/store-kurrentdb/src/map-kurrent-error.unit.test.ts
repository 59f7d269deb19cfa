import { AccessDeniedError, DeadlineExceededError, NO_STREAM, STREAM_EXISTS, UnavailableError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedRevisionError } from '@tthc/core';
import { mapKurrentError } from './map-kurrent-error';

const strip = (name: string) => name.replace(/^run1-/, '');
// A gRPC ServiceError as grpc-js raises it (status codes: 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE).
const grpcError = (code: number, message: string) => Object.assign(new Error(message), { code, details: message });

describe('mapKurrentError', () => {
  it('turns a wrong expected version into WrongExpectedRevisionError with our stream id, expected and actual', () => {
    const error = mapKurrentError(new WrongExpectedVersionError(undefined, { streamName: 'run1-dossier-A', expected: 3n, current: 5n }), strip);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', streamId: 'dossier-A', expected: 3n, actual: 5n });
  });

  it('reports a missing stream as actual no_stream, and server sentinels as our expectations', () => {
    expect(mapKurrentError(new WrongExpectedVersionError(undefined, { streamName: 'A', expected: STREAM_EXISTS, current: NO_STREAM }))).toMatchObject({
      streamId: 'A',
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    expect(mapKurrentError(new WrongExpectedVersionError(undefined, { streamName: 'A', expected: -1n, current: 0n }))).toMatchObject({
      expected: 'no_stream',
      actual: 0n,
    });
  });

  it.each([
    ['UnavailableError', new UnavailableError(undefined, 'unavailable')],
    ['DeadlineExceededError', new DeadlineExceededError(undefined, 'deadline')],
    ['gRPC UNAVAILABLE', grpcError(14, 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113')],
    ['gRPC DEADLINE_EXCEEDED', grpcError(4, 'Deadline exceeded')],
    ['connection refused', new Error('connect ECONNREFUSED 127.0.0.1:2113')],
    ['failed discovery', new Error('Failed to discover after 10 attempts.')],
  ])('turns %s into StoreUnavailableError, keeping the cause', (_name, cause) => {
    const error = mapKurrentError(cause);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', cause });
  });

  it('passes other errors through', () => {
    const denied = new AccessDeniedError(undefined, 'denied');
    expect(mapKurrentError(denied)).toBe(denied);
    const bug = new TypeError('x is undefined');
    expect(mapKurrentError(bug)).toBe(bug);
    expect(mapKurrentError('not an error')).toBe('not an error');
  });
});
