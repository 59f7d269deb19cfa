import { TthcError } from '@tthc/core';

/** Raised for bad command-line input: exit code 2 and a message naming the option and the rule. */
export class UsageError extends TthcError {
  readonly code = 'USAGE';
}
