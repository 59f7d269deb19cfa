import type { NewEvent, StreamAppend } from '../event-store/event-store';
import type { AnyVersionDossierEvent } from './dossier-events';
import { naturalKeyOf, type NaturalKey } from './natural-key';

const STREAM_PREFIX = 'dossier-';

/** One stream per dossier. */
export const dossierStreamId = (dossierCode: string): string => `${STREAM_PREFIX}${dossierCode}`;

export function dossierCodeOfStream(streamId: string): string | undefined {
  return streamId.startsWith(STREAM_PREFIX) ? streamId.slice(STREAM_PREFIX.length) : undefined;
}

/**
 * The event as published (its own version: the log keeps what the source said; readers upcast).
 * The envelope's id and type become the stored event's; its source, subject, time and trace context
 * are metadata (the partition key is the subject again, the content type always JSON). A
 * natural key unique in the whole log (a payment's) goes with it, for the store to keep unique;
 * a caller that has worked the key out already passes it.
 */
export function toNewEvent(event: AnyVersionDossierEvent, natural: NaturalKey = naturalKeyOf(event)): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: {
      source: event.source,
      subject: event.subject,
      time: event.time,
      // The send's trace, to find the event from the sender's trace; not content (a resend with another trace is the same event).
      ...(event.traceparent !== undefined ? { traceparent: event.traceparent } : {}),
      ...(event.tracestate !== undefined ? { tracestate: event.tracestate } : {}),
    },
    ...(natural.scope === 'log' ? { naturalKey: natural.key } : {}),
  };
}

/** One append per dossier, each dossier's events in arrival order (`any` expected: ingest does not race itself per dossier). */
export function appendsByDossier(events: readonly AnyVersionDossierEvent[]): StreamAppend[] {
  const byStream = new Map<string, AnyVersionDossierEvent[]>();
  for (const event of events) {
    const streamId = dossierStreamId(event.subject);
    const list = byStream.get(streamId);
    if (list) list.push(event);
    else byStream.set(streamId, [event]);
  }
  return [...byStream.entries()].map(([streamId, list]) => ({ streamId, expected: 'any', events: list.map((e) => toNewEvent(e)) }));
}
