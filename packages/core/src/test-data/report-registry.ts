import { loadAgencyRegistry, type AgencyRegistry, type AgencyRegistryFile } from '../registry';
import type { AgencyLevel } from '../registry/agency-registry-file';

/** A registry of agencies valid since 2020 with no end, for report tests: codes, levels and parents only. */
export function reportTestRegistry(agencies: readonly (readonly [code: string, level: AgencyLevel, parent: string | null])[]): {
  file: AgencyRegistryFile;
  registry: AgencyRegistry;
} {
  const file: AgencyRegistryFile = {
    agencies: agencies.map(([code, level, parent]) => ({
      code,
      name: `Cơ quan ${code}`,
      level,
      parent,
      validFrom: '2020-01-01',
      validTo: null,
      successor: null,
    })),
    systems: [],
  };
  const loaded = loadAgencyRegistry(file);
  if (!loaded.ok) throw new Error(`report test registry is invalid: ${JSON.stringify(loaded.problems)}`);
  return { file, registry: loaded.registry };
}
