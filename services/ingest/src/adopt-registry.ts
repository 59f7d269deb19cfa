import { formatProblems, parseRegistryEvent, type AgencyRegistry, type AgencyRegistryFile, type IngestStore, type NewDeadLetter } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { letter } from './ingest-batch';

/** JSON with object keys sorted, so a registry read back from jsonb compares equal to the one sent. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export type RegistryAdoption =
  | { readonly ok: true; readonly registry: AgencyRegistry; readonly version: number; readonly changed: boolean }
  /** `redelivered`: the same message was refused before, so its letter was already recorded. */
  | { readonly ok: false; readonly letter: NewDeadLetter; readonly redelivered: boolean };

/**
 * A registry event read from a feed or the registry topic: a valid one becomes the store's registry
 * (a new version only when it differs, so replaying the same feed adds nothing); an invalid one is
 * a dead letter naming its fields, and the registry in force stays.
 */
export async function adoptRegistryEvent(
  store: IngestStore,
  message: { readonly key: string | null; readonly value: Buffer | string; readonly origin: string },
  logger: Logger,
): Promise<RegistryAdoption> {
  const parsed = parseRegistryEvent(message.value);
  if (!parsed.ok) {
    const refused = letter(message, parsed.reason, formatProblems(parsed.problems), null, 'dead');
    const known = await store.recordLetters([refused]);
    logger.warn({ origin: message.origin, detail: refused.message }, 'agency registry refused');
    return { ok: false, letter: refused, redelivered: known.has(refused.origin) };
  }
  const { version, changed } = await saveIfChanged(store, parsed.event.data);
  logger.info({ origin: message.origin, registry: parsed.event.subject, id: parsed.event.id, version, changed }, 'agency registry adopted');
  return { ok: true, registry: parsed.registry, version, changed };
}

async function saveIfChanged(store: IngestStore, registry: AgencyRegistryFile): Promise<{ version: number; changed: boolean }> {
  const current = await store.loadRegistry();
  if (current && canonical(current.registry) === canonical(registry)) return { version: current.version, changed: false };
  return { version: await store.saveRegistry(registry), changed: true };
}
