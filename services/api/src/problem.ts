import { TthcError, type ErrorCode } from '@tthc/core';

/** The codes the API answers with, each with its HTTP status. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  INVALID_PERIOD: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  // The server's store role may not do this (an operator action on a reader's server).
  STORE_PERMISSION_DENIED: 403,
  ACTIONS_DISABLED: 403,
  NOT_FOUND: 404,
  NO_REGISTRY: 404,
  ACTION_RUNNING: 409,
  PROJECTION_LOCKED: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
  POSITION_NOT_REACHED: 503,
  NOT_READY: 503,
};

/** The HTTP status of an error the pipeline raised on purpose; 500 for a code the API has no status for. */
export const statusOf = (code: ErrorCode): number => STATUS[code] ?? 500;

/** A parameter and the rule it broke. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
}

/** An error the API answers with as `application/problem+json` (RFC 9457), with a stable `code`. */
export class ApiProblem extends TthcError {
  readonly code: ErrorCode;
  constructor(
    code: ErrorCode,
    message: string,
    readonly extra: { readonly errors?: readonly FieldError[]; readonly retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.code = code;
  }
}

export class InvalidApiConfigError extends TthcError {
  readonly code = 'INVALID_API_CONFIG';
}

/** The body of a problem response. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  /** The first parameter at fault, when a parameter is. */
  readonly field?: string;
  readonly errors?: readonly FieldError[];
  readonly instance: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemBody(code: ErrorCode, detail: string, instance: string, errors?: readonly FieldError[]): ProblemBody {
  const status = statusOf(code);
  return {
    // A stable identifier of the kind of problem: docs/errors.md has a row for each code.
    type: `urn:tthc:error:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors && errors.length > 0 ? { field: errors[0]?.field ?? '', errors } : {}),
    instance,
  };
}
