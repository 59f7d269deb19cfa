import type { z } from 'zod';
import { anyVersionDossierEvent, type AnyVersionDossierEvent } from './dossier-events';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `data.agencyCode`; `(message)` for the whole message. */
  readonly field: string;
  readonly rule: string;
}

/** A valid event as published (any accepted version); `toCurrentVersion` lifts it. */
export type ParseResult =
  | { readonly ok: true; readonly event: AnyVersionDossierEvent }
  | { readonly ok: false; readonly reason: 'invalid-json' | 'invalid-event'; readonly problems: readonly FieldProblem[] };

export function describeIssues(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.map((issue) => {
    const field = issue.path.length === 0 ? '(message)' : issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { field, rule: `unknown field(s) not allowed: ${issue.keys.join(', ')}` };
    }
    if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      return { field, rule: `is required (${issue.expected})` };
    }
    if (issue.code === 'invalid_union' && field === 'type') {
      return { field, rule: 'must be a known dossier event type and version' };
    }
    return { field, rule: issue.message };
  });
}

export const formatProblems = (problems: readonly FieldProblem[]): string =>
  problems.map((p) => `${p.field}: ${p.rule}`).join('; ');

export function validateDossierEvent(value: unknown): ParseResult {
  const result = anyVersionDossierEvent.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: 'invalid-event', problems: describeIssues(result.error.issues) };
}

export function parseDossierEvent(bytes: string | Uint8Array): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
  } catch (error) {
    return { ok: false, reason: 'invalid-json', problems: [{ field: '(message)', rule: `must be JSON: ${(error as Error).message}` }] };
  }
  return validateDossierEvent(value);
}
