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
 * agencies that handle it. A later event may name the one successor that handles the dossier now
 * (`handlingAgency`): it must be one that took over the work of the dossier's agency (`agencies[0]`,
 * the one it counts under), and the source must be authorised for it. The one rule ingest applies to
 * every event.
 */
export function eventAuthority(
  registry: AgencyRegistry,
  event: {
    readonly source: string;
    readonly agencies: readonly string[];
    readonly day: string;
    readonly receipt: boolean;
    readonly handlingAgency?: string | undefined;
  },
): EventAuthority {
  const { source, agencies, day, receipt, handlingAgency } = event;
  if (handlingAgency !== undefined && !receipt) return namedHandlerAuthority(registry, source, agencies[0] ?? '', handlingAgency, day);
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

/** The authority of a later event that names the successor handling its dossier (see eventAuthority). */
function namedHandlerAuthority(registry: AgencyRegistry, source: string, agency: string, named: string, day: string): EventAuthority {
  const own = registry.agencyOn(agency, day);
  const handlers = own ? [own] : registry.handlersOn(agency, day);
  const handler = handlers.find((h) => h.code === named);
  if (handler === undefined) {
    const which = own
      ? `agency ${agency} is still in force`
      : handlers.length > 0
        ? `the agencies that took over the work of ${agency} are ${handlers.map((h) => h.code).join(', ')}`
        : `no agency took over the work of ${agency}`;
    return { ok: false, reason: 'unknown-agency', detail: `handlingAgencyCode ${named} may not handle the dossier on ${day}: ${which}` };
  }
  if (!registry.mayPublish(source, handler.code, day)) {
    return {
      ok: false,
      reason: 'unauthorised-source',
      detail: `source ${source} may not publish for agency ${handler.code} (handling the work of ${agency}) on ${day}`,
    };
  }
  return { ok: true, handlers: [handler] };
}
