import { convertToCommandError, DeadlineExceededError, UnavailableError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { StoreUnavailableError, WrongExpectedRevisionError } from '@tthc/core';
import { fromAppendStreamState, fromCurrentStreamState } from './expected-state';

// Some failures reach us before the gRPC layer names them (discovery, a refused socket).
const CONNECTION_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Failed to discover/;

/**
 * The one place where client errors become the port's: a wrong expected version becomes
 * WrongExpectedRevisionError (stream name turned back into our stream id), an unreachable or
 * too-slow server StoreUnavailableError. Anything else passes through as the client's typed error.
 */
export function mapKurrentError(error: unknown, toStreamId: (streamName: string) => string = (name) => name): unknown {
  if (!(error instanceof Error)) return error;
  const converted = convertToCommandError(error);
  if (converted instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(
      toStreamId(converted.streamName),
      fromAppendStreamState(converted.expectedState),
      fromCurrentStreamState(converted.actualState),
    );
  }
  if (converted instanceof UnavailableError || converted instanceof DeadlineExceededError || CONNECTION_FAILURE.test(error.message)) {
    return new StoreUnavailableError(`KurrentDB unavailable: ${error.message || error.name}`, { cause: error });
  }
  return converted;
}
