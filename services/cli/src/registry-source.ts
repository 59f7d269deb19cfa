import { loadAgencyRegistry, type AgencyRegistry, type IngestStore } from '@tthc/core';
import { UsageError } from './options';

/** The registry ingest authorises against: the one most recently imported or adopted into the store, if any. */
export async function storedRegistryIfAny(store: IngestStore): Promise<AgencyRegistry | undefined> {
  const stored = await store.loadRegistry();
  if (!stored) return undefined;
  const loaded = loadAgencyRegistry(stored.registry);
  if (!loaded.ok)
    throw new UsageError(`the stored registry (version ${stored.version}) is invalid: ${loaded.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
  return loaded.registry;
}

/** Like `storedRegistryIfAny`, for commands that cannot go on without one. */
export async function storedRegistry(store: IngestStore): Promise<AgencyRegistry> {
  const registry = await storedRegistryIfAny(store);
  if (!registry) throw new UsageError('no agency registry in this store: import one with `tthc registry import FILE --store URL`');
  return registry;
}
