import { TthcError, type ErrorCode } from '../errors';
import type { ExpectedRevision } from './event-store';

export type EventStoreErrorCode = Extract<
  ErrorCode,
  'WRONG_EXPECTED_REVISION' | 'DUPLICATE_EVENT_ID_CONFLICT' | 'NATURAL_KEY_CONFLICT' | 'STORE_UNAVAILABLE' | 'STORE_REJECTED'
>;

export abstract class EventStoreError extends TthcError {
  abstract override readonly code: EventStoreErrorCode;
}

export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The same event id was appended before with different content: a publisher reused an id. */
export class DuplicateEventIdConflictError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly streamId: string,
  ) {
    super(`event id ${eventId} is already stored with different content (stream ${streamId})`);
  }
}

/** The store did not answer (refused, dropped or timed out the connection): the same call may succeed later. */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'STORE_UNAVAILABLE';
}

/** Another event id already holds this natural key (the same payment sent again under a new id, or a clash). */
export class NaturalKeyConflictError extends EventStoreError {
  readonly code = 'NATURAL_KEY_CONFLICT';
  constructor(
    readonly naturalKey: string,
    readonly eventId: string,
    readonly heldBy: string,
  ) {
    super(`natural key ${naturalKey} of event ${eventId} is already held by event ${heldBy}`);
  }
}

/**
 * The store refused what it was given for what it holds (a value its types cannot take, a limit),
 * not for being unavailable: trying the same call again fails again. The store's words are kept.
 */
export class StoreRejectedError extends EventStoreError {
  readonly code = 'STORE_REJECTED';
}

/**
 * The store named does not exist, and the command only reads, so it did not create one (a typo in
 * --store must not yield a new, empty store and a report of zeros); or a PostgreSQL database is missing.
 */
export class StoreNotFoundError extends TthcError {
  readonly code = 'STORE_NOT_FOUND';
}

/** The store refused the role this process connects as: it may not do what was asked (see the store's roles). */
export class StorePermissionDeniedError extends TthcError {
  readonly code = 'STORE_PERMISSION_DENIED';
}
