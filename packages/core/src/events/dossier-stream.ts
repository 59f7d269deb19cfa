import type { NewEvent } from '../event-store/event-store';
import type { DossierEvent } from './dossier-events';

const STREAM_PREFIX = 'dossier-';

/** One stream per dossier. */
export const dossierStreamId = (dossierCode: string): string => `${STREAM_PREFIX}${dossierCode}`;

export function dossierCodeOfStream(streamId: string): string | undefined {
  return streamId.startsWith(STREAM_PREFIX) ? streamId.slice(STREAM_PREFIX.length) : undefined;
}

/** What a projection needs of a stored dossier event: its type, dossier and payload. */
type Body<E> = E extends DossierEvent ? Pick<E, 'type' | 'subject' | 'data'> : never;
export type DossierEventBody = Body<DossierEvent>;

/** The envelope's id and type become the stored event's; the rest of the envelope is metadata. */
export function toNewEvent(event: DossierEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: { source: event.source, subject: event.subject, time: event.time },
  };
}
