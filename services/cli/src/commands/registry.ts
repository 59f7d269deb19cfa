import { readFileSync } from 'node:fs';
import { AGENCY_LEVELS, isoDate, loadAgencyRegistry } from '@tthc/core';
import { z } from 'zod';
import type { Output } from '../context';
import { parseOptions, UsageError } from '../options';

const registryCheckOptions = z.strictObject({ on: isoDate.optional() });

/** Raised when a registry file breaks its rules: every problem, each naming its field. */
export class InvalidRegistryError extends Error {
  readonly code = 'INVALID_REGISTRY';
}

/** Validates an agency registry file and summarises it: agencies by level on a day, and publishing systems. */
export async function registryCheckCommand(file: string, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(registryCheckOptions, raw);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read a JSON registry: ${(error as Error).message}`);
  }
  const loaded = loadAgencyRegistry(value);
  if (!loaded.ok) {
    const lines = loaded.problems.map((p) => `  ${p.field}: ${p.rule}`);
    throw new InvalidRegistryError(`${file}: ${loaded.problems.length} problem(s)\n${lines.join('\n')}`);
  }
  const day = options.on ?? new Date().toISOString().slice(0, 10);
  const counts = loaded.registry.countByLevel(day);
  const file_ = loaded.registry.toJSON();
  await out.write(
    `${JSON.stringify({
      file,
      valid: true,
      on: day,
      agencies: Object.fromEntries(AGENCY_LEVELS.map((level) => [level, counts[level]])),
      records: file_.agencies.length,
      systems: file_.systems.map((s) => ({ source: s.source, agencies: s.agencies.length })),
    })}\n`,
  );
}
