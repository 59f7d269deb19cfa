import {
  ACCEPTED_EVENT_TYPES,
  dossierCodeOfStream,
  projectDossierEvent,
  upcastBody,
  type CountIncrement,
  type DossierEventBody,
  type DossierSummary,
  type ProjectionBatch,
  type RecordedEvent,
} from '@tthc/core';

const KNOWN_TYPES = new Set<string>(ACCEPTED_EVENT_TYPES);

/** Events are validated at ingest and stored as published; older versions are lifted to the current one here. */
function asDossierEvent(recorded: RecordedEvent): DossierEventBody | undefined {
  const subject = dossierCodeOfStream(recorded.streamId);
  if (subject === undefined || !KNOWN_TYPES.has(recorded.type)) return undefined;
  return upcastBody({ type: recorded.type, subject, data: recorded.data });
}

/**
 * Folds a page of the log into one projection batch, given the summaries of the dossiers it touches.
 * Pure: the caller loads the summaries and commits the result.
 */
export function projectPage(
  events: readonly RecordedEvent[],
  known: ReadonlyMap<string, DossierSummary>,
): { batch: ProjectionBatch; skipped: { position: RecordedEvent['position']; reason: string }[] } {
  const last = events[events.length - 1];
  if (!last) throw new RangeError('projectPage needs at least one event');
  const summaries = new Map(known);
  const changed = new Map<string, DossierSummary>();
  const increments: CountIncrement[] = [];
  const skipped: { position: RecordedEvent['position']; reason: string }[] = [];
  for (const recorded of events) {
    const event = asDossierEvent(recorded);
    if (!event) {
      skipped.push({ position: recorded.position, reason: `not a dossier event: ${recorded.type}` });
      continue;
    }
    const outcome = projectDossierEvent(summaries.get(event.subject), event);
    if (outcome.kind === 'skip') {
      skipped.push({ position: recorded.position, reason: outcome.reason });
      continue;
    }
    summaries.set(event.subject, outcome.summary);
    changed.set(event.subject, outcome.summary);
    increments.push(...outcome.increments);
  }
  return { batch: { checkpoint: last.position, dossiers: [...changed.values()], increments, events: events.length }, skipped };
}

export function dossierCodesOf(events: readonly RecordedEvent[]): string[] {
  const codes = new Set<string>();
  for (const e of events) {
    const code = dossierCodeOfStream(e.streamId);
    if (code !== undefined) codes.add(code);
  }
  return [...codes];
}
