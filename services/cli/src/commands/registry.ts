import { readFileSync } from 'node:fs';
import { AGENCY_LEVELS, isoDate, loadAgencyRegistry, TthcError } from '@tthc/core';
import { z } from 'zod';
import { withStores, type Output } from '../context';
import { commonOptions, parseOptions, UsageError } from '../options';

const registryCheckOptions = z.strictObject({ on: isoDate.optional() });

/** Raised when a registry file breaks its rules: every problem, each naming its field. */
export class InvalidRegistryError extends TthcError {
  readonly code = 'INVALID_REGISTRY';
}

function readRegistryFile(file: string) {
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
  return loaded.registry;
}

/** Validates a registry file and stores it as the store's new registry version: what ingest authorises against. */
export async function registryImportCommand(file: string, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(commonOptions.strict(), raw);
  const registry = readRegistryFile(file);
  const version = await withStores(options, (stores) => stores.ingestStore.saveRegistry(registry.toJSON()));
  await out.write(`${JSON.stringify({ file, imported: true, version })}\n`);
}

/** Validates an agency registry file and summarises it: agencies by level on a day, and publishing systems. */
export async function registryCheckCommand(file: string, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(registryCheckOptions, raw);
  const registry = readRegistryFile(file);
  const day = options.on ?? new Date().toISOString().slice(0, 10);
  const counts = registry.countByLevel(day);
  const file_ = registry.toJSON();
  await out.write(
    `${JSON.stringify({
      file,
      valid: true,
      on: day,
      agencies: Object.fromEntries(AGENCY_LEVELS.map((level) => [level, counts[level]])),
      records: file_.agencies.length,
      // Agencies each system may publish for on the day: its undated list and the dated authorisations in force.
      systems: file_.systems.map((s) => ({
        source: s.source,
        agencies: new Set([...s.agencies, ...(s.authorisations ?? []).map((a) => a.code)].filter((code) => registry.mayPublish(s.source, code, day))).size,
      })),
    })}\n`,
  );
}
