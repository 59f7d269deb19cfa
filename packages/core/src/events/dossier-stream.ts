import type { NewEvent } from '../event-store/event-store';
import type { AnyVersionDossierEvent } from './dossier-events';

const STREAM_PREFIX = 'dossier-';

/** One stream per dossier. */
export const dossierStreamId = (dossierCode: string): string => `${STREAM_PREFIX}${dossierCode}`;

export function dossierCodeOfStream(streamId: string): string | undefined {
  return streamId.startsWith(STREAM_PREFIX) ? streamId.slice(STREAM_PREFIX.length) : undefined;
}

/**
 * The event as published (its own version: the log keeps what the source said; readers upcast).
 * The envelope's id and type become the stored event's; the rest of the envelope is metadata.
 */
export function toNewEvent(event: AnyVersionDossierEvent): NewEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: { source: event.source, subject: event.subject, time: event.time },
  };
}
