import { z } from 'zod';
import { isoDateTimeWithOffset, sourceUrn, visibleId } from '../events/codes';
import { parseStrictJson } from '../events/strict-json';
import { describeIssues, type FieldProblem } from '../events/validation';
import { agencyRegistryFile, type AgencyRegistryFile } from './agency-registry-file';
import { loadAgencyRegistry, type AgencyRegistry } from './agency-registry';

/**
 * The agency registry as a CloudEvent, so that it travels with the events it authorises: as a line
 * of an NDJSON feed (before the events that need it) or on the compacted registry topic. Ingest
 * stores it as the store's new registry version when it differs from the current one.
 */
export const AGENCY_REGISTRY_EVENT_TYPE = 'vn.gov.tthc.agency-registry.published.v1' as const;

export const agencyRegistryEvent = z
  .strictObject({
    specversion: z.literal('1.0', { message: 'must be "1.0"' }).describe('CloudEvents version'),
    id: visibleId(128).describe('Unique id of this registry version'),
    source: sourceUrn.describe('URN of the system that publishes the registry'),
    type: z.literal(AGENCY_REGISTRY_EVENT_TYPE),
    subject: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{0,99}$/, { message: 'must be a lower-case registry name such as lam-dong' })
      .describe('Name of the registry (the province it covers); the Kafka key'),
    time: isoDateTimeWithOffset.describe('When this registry version was published'),
    datacontenttype: z.literal('application/json', { message: 'must be "application/json"' }).optional(),
    data: agencyRegistryFile,
  })
  .describe('An agency registry version, published as a CloudEvent');
export type AgencyRegistryEvent = z.infer<typeof agencyRegistryEvent>;

export type RegistryEventParseResult =
  | { readonly ok: true; readonly event: AgencyRegistryEvent; readonly registry: AgencyRegistry }
  | { readonly ok: false; readonly reason: 'invalid-encoding' | 'invalid-json' | 'invalid-event'; readonly problems: readonly FieldProblem[] };

/** Cheap test on raw text, so a feed reader parses only the lines that can be registry events. */
const REGISTRY_TYPE_FIELD = new RegExp(`"type"\\s*:\\s*"${AGENCY_REGISTRY_EVENT_TYPE.replace(/\./g, '\\.')}"`);
export const mayBeRegistryEvent = (text: string): boolean => text.includes(AGENCY_REGISTRY_EVENT_TYPE) && REGISTRY_TYPE_FIELD.test(text);

/** Validates the envelope, then the registry's own rules (parents, successors, systems); problems name `data.…` fields. */
export function parseRegistryEvent(bytes: string | Uint8Array): RegistryEventParseResult {
  const json = parseStrictJson(bytes);
  if (!json.ok) return json;
  const parsed = agencyRegistryEvent.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: 'invalid-event', problems: describeIssues(parsed.error.issues) };
  const loaded = loadAgencyRegistry(parsed.data.data);
  if (!loaded.ok) return { ok: false, reason: 'invalid-event', problems: loaded.problems.map((p) => ({ field: `data.${p.field}`, rule: p.rule })) };
  return { ok: true, event: parsed.data, registry: loaded.registry };
}

/** The registry as the CloudEvent that carries it. */
export function registryEvent(registry: AgencyRegistryFile, envelope: { id: string; source: string; subject: string; time: string }): AgencyRegistryEvent {
  return { specversion: '1.0', ...envelope, type: AGENCY_REGISTRY_EVENT_TYPE, datacontenttype: 'application/json', data: registry };
}
