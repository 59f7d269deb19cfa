import type { JSONEventData, JSONType, Position, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import type { NewEvent, RecordedEvent } from '@tthc/core';
import { toKurrentEventId } from './event-id';

/** Metadata key holding our event id as given (KurrentDB's own id is its UUID form). */
export const ID_KEY = '$tthcId';
/**
 * Metadata key holding our event metadata as one JSON string: multi-stream appends take metadata
 * as string values only, and the server adds keys of its own (the schema) beside ours.
 */
export const METADATA_KEY = '$tthcMetadata';

/** A new event as the client writes it. */
export function toEventData(event: NewEvent): JSONEventData {
  const metadata: Record<string, string> = { [ID_KEY]: event.id };
  if (event.metadata !== undefined) metadata[METADATA_KEY] = JSON.stringify(event.metadata);
  return {
    id: toKurrentEventId(event.id),
    contentType: 'application/json',
    type: event.type,
    // The port's data is JSON; the client serialises it with JSON.stringify.
    data: event.data as JSONType,
    metadata,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** Events KurrentDB writes for itself ($-prefixed stream or type): never part of our log. */
export const isSystemEvent = (event: { streamId: string; type: string }): boolean => event.streamId.startsWith('$') || event.type.startsWith('$');

/** A stored event as the port returns it: our id and metadata back from the metadata, our stream id, its $all position. */
export function fromKurrentEvent(event: KurrentRecordedEvent, streamId: string): RecordedEvent {
  const position: Position | undefined = event.position;
  if (!position) throw new Error(`KurrentDB returned event ${event.id} without its $all position (server 22.6 or later needed)`);
  const properties = isRecord(event.metadata) ? event.metadata : {};
  const ourId = properties[ID_KEY];
  const ourMetadata = properties[METADATA_KEY];
  // Our events are JSON; should a server hand one back as bytes, it is still parsed.
  const data = event.data instanceof Uint8Array && typeof ourId === 'string' ? (JSON.parse(Buffer.from(event.data).toString('utf8')) as unknown) : event.data;
  return {
    streamId,
    revision: event.revision,
    position: { commit: position.commit, prepare: position.prepare },
    id: typeof ourId === 'string' ? ourId : event.id,
    type: event.type,
    data,
    metadata: typeof ourMetadata === 'string' ? (JSON.parse(ourMetadata) as Record<string, unknown>) : {},
  };
}
