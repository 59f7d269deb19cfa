import type { z } from 'zod';
import type { AnyDossierEventType, AnyVersionDossierEvent, DossierEvent, DossierEventType } from './dossier-events';
import { type receivedData, type receivedV1Data } from './dossier-events';

/** Lifts one version of an event's data to the next. Pure, total, and never loses a fact. */
export interface Upcaster<From, To> {
  readonly from: AnyDossierEventType;
  readonly to: AnyDossierEventType;
  upcast(data: From): To;
}

const receivedV1ToV2: Upcaster<z.infer<typeof receivedV1Data>, z.infer<typeof receivedData>> = {
  from: 'vn.gov.tthc.dossier.received.v1',
  to: 'vn.gov.tthc.dossier.received.v2',
  // v1 had one agency, which both received and resolved the dossier.
  upcast: ({ agencyCode, ...rest }) => ({ ...rest, receivingAgencyCode: agencyCode, processingAgencyCode: agencyCode }),
};

type AnyUpcaster = Upcaster<never, unknown>;

/** The registry: at most one upcaster from each old type; chains end at the current version. */
export const UPCASTERS: ReadonlyMap<string, AnyUpcaster> = new Map<string, AnyUpcaster>([receivedV1ToV2 as AnyUpcaster].map((u) => [u.from, u]));

/** What a projection reads of a stored event: its type, dossier and payload. */
type Body<E> = E extends { type: string; subject: string; data: unknown } ? Pick<E, 'type' | 'subject' | 'data'> : never;
export type DossierEventBody = Body<DossierEvent>;
export type AnyVersionDossierEventBody = Body<AnyVersionDossierEvent>;

/** Lifts a stored or published body of any accepted version to the current one. */
export function upcastBody(body: { type: string; subject: string; data: unknown }): DossierEventBody {
  let { type, data } = body;
  for (let guard = 0; guard < 16; guard += 1) {
    const step = UPCASTERS.get(type);
    if (!step) return { type: type as DossierEventType, subject: body.subject, data } as DossierEventBody;
    data = (step.upcast as (d: unknown) => unknown)(data);
    type = step.to;
  }
  throw new Error(`upcaster chain from ${body.type} does not end`);
}

/** The current version of a validated event, envelope kept. */
export function toCurrentVersion(event: AnyVersionDossierEvent): DossierEvent {
  const { type, data } = upcastBody(event);
  return { ...event, type, data } as DossierEvent;
}
