import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { mayBeRegistryEvent, parseRegistryEvent, validateDossierEvent, type FieldProblem } from '@tthc/core';

/** At most this many bad lines are named: enough to see a pattern, not a wall of text. */
export const MAX_NAMED_PROBLEMS = 20;

export interface FeedFileCheck {
  /** Non-empty lines read. */
  readonly lines: number;
  /** Bad lines, `FILE:LINE: field: rule`, the first MAX_NAMED_PROBLEMS of them. */
  readonly problems: readonly string[];
  /** All bad lines, named or not. */
  readonly badLines: number;
}

/**
 * Checks every line of an NDJSON feed with the schemas `tthc publish` sends by (a registry line by
 * the registry's, an event by the events'), so that a broken line is found before anything is sent.
 */
export async function checkFeedFile(file: string): Promise<FeedFileCheck> {
  const problems: string[] = [];
  let lines = 0;
  let badLines = 0;
  let lineNo = 0;
  const describe = (found: readonly FieldProblem[]) => found.map((p) => `${p.field}: ${p.rule}`).join('; ');
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    lineNo += 1;
    if (line.trim().length === 0) continue;
    lines += 1;
    let problem: string | undefined;
    if (mayBeRegistryEvent(line)) {
      const registry = parseRegistryEvent(line);
      if (!registry.ok) problem = describe(registry.problems);
    } else {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        problem = `not JSON: ${(error as Error).message}`;
      }
      if (problem === undefined) {
        const event = validateDossierEvent(value);
        if (!event.ok) problem = describe(event.problems);
      }
    }
    if (problem === undefined) continue;
    badLines += 1;
    if (problems.length < MAX_NAMED_PROBLEMS) problems.push(`${file}:${lineNo}: ${problem}`);
  }
  return { lines, problems, badLines };
}
