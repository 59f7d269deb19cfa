import { loadAgencyRegistry, type AgencyRegistry, type IngestStore } from '@tthc/core';
import { UsageError } from './options';

/** The registry ingest authorises against: the one most recently imported into the store. */
export async function storedRegistry(store: IngestStore): Promise<AgencyRegistry> {
  const stored = await store.loadRegistry();
  if (!stored) throw new UsageError('no agency registry in this store: import one with `tthc registry import FILE --store URL`');
  const loaded = loadAgencyRegistry(stored.registry);
  if (!loaded.ok) throw new UsageError(`the stored registry (version ${stored.version}) is invalid: ${loaded.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
  return loaded.registry;
}
