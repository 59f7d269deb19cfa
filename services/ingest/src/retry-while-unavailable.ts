// Moved to @tthc/retry, which the projector shares; this module keeps the ingest imports as they were.
export { retryingWith, retryWhileUnavailable, StoppedWhileUnavailableError, type RetryOptions } from '@tthc/retry';
