import type { AgencyRegistry } from './agency-registry';
import type { AgencyRecord } from './agency-registry-file';

export type EventAuthority =
  | { readonly ok: true; readonly handlers: readonly AgencyRecord[] }
  | { readonly ok: false; readonly reason: 'unknown-agency' | 'unauthorised-source'; readonly detail: string };

/**
 * Whether an event about `day`, from `source`, speaking for `agencies`, stands with the registry: a
 * receipt must name agencies in force that day; a later event of a dossier whose agency has since
 * ended answers to the agencies that took its work over (`handlersOn`), so a dossier that crosses a
 * re-organisation can still be resolved. The source must be authorised on that day for one of the
 * agencies that handle it. The one rule ingest applies to every event.
 */
export function eventAuthority(
  registry: AgencyRegistry,
  event: { readonly source: string; readonly agencies: readonly string[]; readonly day: string; readonly receipt: boolean },
): EventAuthority {
  const { source, agencies, day, receipt } = event;
  const handlers: AgencyRecord[] = [];
  for (const agency of agencies) {
    const own = registry.agencyOn(agency, day);
    const inForce = own ? [own] : receipt ? [] : registry.handlersOn(agency, day);
    if (inForce.length === 0) {
      const ended = receipt ? '' : ', nor is any agency that took its work over';
      return { ok: false, reason: 'unknown-agency', detail: `agency ${agency} is not in the registry on ${day}${ended}` };
    }
    for (const h of inForce) if (!handlers.includes(h)) handlers.push(h);
  }
  if (handlers.length > 0 && !handlers.some((h) => registry.mayPublish(source, h.code, day))) {
    const codes = handlers.map((h) => h.code).join(' or ');
    const via = handlers.some((h) => !agencies.includes(h.code)) ? ` (handling the work of ${agencies.join(', ')})` : '';
    return { ok: false, reason: 'unauthorised-source', detail: `source ${source} may not publish for agency ${codes}${via} on ${day}` };
  }
  return { ok: true, handlers };
}
