import { localDay, type AgencyRegistry, type AnyVersionDossierEvent } from '@tthc/core';

/**
 * A simulated feed moved onto the new map from `on`: a receipt about that day or later names the
 * agencies in force then (each old code's successor, through `registry`), as a one-stop-shop system
 * on the new map would; every other event is left as it is, so the dossiers received before `on`
 * keep their history and their later events answer to their agencies' successors at ingest.
 */
export function* reorganiseEvents(events: Iterable<AnyVersionDossierEvent>, registry: AgencyRegistry, on: string): IterableIterator<AnyVersionDossierEvent> {
  const inForce = (code: string, day: string) => registry.resolve(code, day)?.code ?? code;
  for (const event of events) {
    switch (event.type) {
      case 'vn.gov.tthc.dossier.received.v1': {
        const day = localDay(event.data.receivedAt);
        yield day < on ? event : { ...event, data: { ...event.data, agencyCode: inForce(event.data.agencyCode, day) } };
        break;
      }
      case 'vn.gov.tthc.dossier.received.v2': {
        const day = localDay(event.data.receivedAt);
        yield day < on
          ? event
          : {
              ...event,
              data: {
                ...event.data,
                receivingAgencyCode: inForce(event.data.receivingAgencyCode, day),
                processingAgencyCode: inForce(event.data.processingAgencyCode, day),
              },
            };
        break;
      }
      case 'vn.gov.tthc.dossier.refused-at-reception.v1': {
        // Ingest checks a refusal on the day it was refused.
        const day = localDay(event.data.refusedAt);
        yield day < on ? event : { ...event, data: { ...event.data, agencyCode: inForce(event.data.agencyCode, day) } };
        break;
      }
      default:
        yield event;
    }
  }
}
