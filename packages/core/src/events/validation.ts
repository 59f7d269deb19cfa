import type { z } from 'zod';
import { anyVersionDossierEvent, type AnyVersionDossierEvent } from './dossier-events';
import type { FieldProblem } from './field-problem';
import { forbiddenTextProblems, parseStrictJson } from './strict-json';

export { formatProblems, type FieldProblem } from './field-problem';

/** A valid event as published (any accepted version); `toCurrentVersion` lifts it. */
export type ParseResult =
  | { readonly ok: true; readonly event: AnyVersionDossierEvent }
  | { readonly ok: false; readonly reason: 'invalid-encoding' | 'invalid-json' | 'invalid-event'; readonly problems: readonly FieldProblem[] };

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

/** A value (parsed JSON, or an event built in code) against the text rules and the event schemas. */
export function validateDossierEvent(value: unknown): ParseResult {
  const text = forbiddenTextProblems(value);
  if (text.length > 0) return { ok: false, reason: 'invalid-event', problems: text };
  return validateShape(value);
}

function validateShape(value: unknown): ParseResult {
  const result = anyVersionDossierEvent.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  return { ok: false, reason: 'invalid-event', problems: describeIssues(result.error.issues) };
}

/** Bytes (strict UTF-8) or text to a valid event, or every rule it breaks, each naming its field. */
export function parseDossierEvent(bytes: string | Uint8Array): ParseResult {
  const json = parseStrictJson(bytes);
  if (!json.ok) return json;
  return validateShape(json.value);
}
