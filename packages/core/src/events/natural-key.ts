import { sameJson } from '../event-store/same-event';
import type { AnyVersionDossierEvent } from './dossier-events';
import { upcastBody } from './upcasters';

/**
 * What names a fact apart from the event id a sender gave it, so that the same fact sent again under
 * a new id is recognised. `log`: unique in the whole log (a payment platform's transaction belongs to
 * one payment, whichever dossier claims it); `dossier`: unique within the dossier's stream.
 */
export type NaturalKey = { readonly scope: 'log' | 'dossier'; readonly key: string };

// A time sent in another offset or precision is the same instant.
const instant = (iso: string): string => new Date(Date.parse(iso)).toISOString();

/**
 * The natural key of each event type: a payment by its platform and transaction; the events a
 * dossier has at most once (its receipt or refusal, the processing result, the returned result, a
 * stop, a hand-back, a withdrawal) by their type; repeatable steps (supplement requested and received, fee
 * requested, apology) by their type and the instant they happened.
 */
export function naturalKeyOf(event: AnyVersionDossierEvent): NaturalKey {
  const body = upcastBody(event);
  switch (body.type) {
    case 'vn.gov.tthc.dossier.paid-online.v1':
      return { scope: 'log', key: `paid-online/${body.data.platform}/${body.data.transactionId}` };
    case 'vn.gov.tthc.dossier.supplement-requested.v1':
      return { scope: 'dossier', key: `supplement-requested/${instant(body.data.requestedAt)}` };
    case 'vn.gov.tthc.dossier.supplement-received.v1':
      return { scope: 'dossier', key: `supplement-received/${instant(body.data.receivedAt)}` };
    case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
      return { scope: 'dossier', key: `financial-obligation-requested/${instant(body.data.requestedAt)}` };
    case 'vn.gov.tthc.dossier.apology-issued.v1':
      return { scope: 'dossier', key: `apology-issued/${instant(body.data.issuedAt)}` };
    default:
      // Received, refused at reception, processed, result returned, stopped, handed back, withdrawn.
      return { scope: 'dossier', key: body.type };
  }
}

/** A natural key of a stored event, read back from its type, stream and data. */
export function naturalKeyOfStored(stored: { readonly type: string; readonly data: unknown }, dossierCode: string): NaturalKey | undefined {
  try {
    return naturalKeyOf({ type: stored.type, subject: dossierCode, data: stored.data } as AnyVersionDossierEvent);
  } catch {
    return undefined; // not a dossier event of a known shape: it names no fact
  }
}

/**
 * Whether two events state the same fact: same type, dossier and data once both are lifted to the
 * current version, instants compared as moments. The envelope (id, time of sending, source) may
 * differ on a re-send.
 */
export function sameFact(
  a: { readonly type: string; readonly subject: string; readonly data: unknown },
  b: { readonly type: string; readonly subject: string; readonly data: unknown },
): boolean {
  const x = upcastBody(a);
  const y = upcastBody(b);
  return x.type === y.type && x.subject === y.subject && sameJson(instantsInUtc(x.data), instantsInUtc(y.data));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i;

/** The data with each instant written in UTC: the same moment sent in another offset is the same fact. */
function instantsInUtc(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, typeof v === 'string' && INSTANT.test(v) && Number.isFinite(Date.parse(v)) ? instant(v) : v]),
  );
}
