/** One broken rule of a message: which field, and what it must be. */
export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `data.agencyCode`; `(message)` for the whole message. */
  readonly field: string;
  readonly rule: string;
}

export const formatProblems = (problems: readonly FieldProblem[]): string => problems.map((p) => `${p.field}: ${p.rule}`).join('; ');
