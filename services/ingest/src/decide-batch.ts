import {
  applyDossierEvent,
  dossierStreamId,
  localDay,
  sameEvent,
  toCurrentVersion,
  toNewEvent,
  upcastBody,
  type AgencyRegistry,
  type AnyVersionDossierEvent,
  type DossierState,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
} from '@tthc/core';
import type { DeadLetterReason } from '@tthc/core';

/** A valid event and the message it came in. */
export interface Candidate<M> {
  readonly event: AnyVersionDossierEvent;
  readonly message: M;
  /** A parked letter being retried, by its id. */
  readonly parkedId?: number;
}

export interface Refusal<M> {
  readonly message: M;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly dossierCode: string;
  readonly parkedId?: number;
}

export interface Decision<M> {
  /** One append per dossier, expected at the revision its state was read at. */
  readonly appends: StreamAppend[];
  readonly accepted: Candidate<M>[];
  readonly duplicates: Candidate<M>[];
  readonly refused: Refusal<M>[];
  /** Curable lifecycle violations (an event before its dossier's receipt): kept and retried later. */
  readonly parked: Refusal<M>[];
}

interface DossierFold {
  state: DossierState | undefined;
  revision: bigint | undefined;
  stored: Map<string, RecordedEvent>;
}

/** Folds a dossier's stored stream into its lifecycle state. */
function fold(events: readonly RecordedEvent[]): DossierFold {
  let state: DossierState | undefined;
  const stored = new Map<string, RecordedEvent>();
  for (const e of events) {
    stored.set(e.id, e);
    const subject = e.streamId.replace(/^dossier-/, '');
    const t = applyDossierEvent(state, upcastBody({ type: e.type, subject, data: e.data }));
    if (t.ok) state = t.state;
  }
  return { state, revision: events.at(-1)?.revision, stored };
}

/** The agencies an event speaks for: its own codes, or those of the dossier it belongs to. */
function agenciesOf(event: AnyVersionDossierEvent, state: DossierState | undefined): string[] {
  const current = toCurrentVersion(event);
  if (current.type === 'vn.gov.tthc.dossier.received.v2') return [current.data.processingAgencyCode, current.data.receivingAgencyCode];
  if (current.type === 'vn.gov.tthc.dossier.refused-at-reception.v1') return [current.data.agencyCode];
  return state ? [state.agencyCode, state.receivingAgencyCode] : [];
}

/**
 * Decides what becomes of each valid event of a batch, dossier by dossier, in arrival order: a
 * redelivery is a duplicate; an agency the registry does not know, or a source it does not allow
 * for the dossier's agencies, is refused; the lifecycle must accept the event against the dossier's
 * state (read from its stream), else it is refused, or parked when a later event could cure it.
 * Parked events of a dossier are tried again after each event it accepts. Pure: no I/O.
 */
export function decideBatch<M>(
  candidates: readonly Candidate<M>[],
  parked: readonly Candidate<M>[],
  streams: ReadonlyMap<string, readonly RecordedEvent[]>,
  registry: AgencyRegistry,
): Decision<M> {
  const decision: Decision<M> = { appends: [], accepted: [], duplicates: [], refused: [], parked: [] };
  const byDossier = new Map<string, Candidate<M>[]>();
  for (const c of candidates) byDossier.set(c.event.subject, [...(byDossier.get(c.event.subject) ?? []), c]);
  const parkedByDossier = new Map<string, Candidate<M>[]>();
  for (const p of parked) parkedByDossier.set(p.event.subject, [...(parkedByDossier.get(p.event.subject) ?? []), p]);
  for (const code of parkedByDossier.keys()) if (!byDossier.has(code)) byDossier.set(code, []);

  for (const [code, arrivals] of byDossier) {
    const dossier = fold(streams.get(dossierStreamId(code)) ?? []);
    const expected = dossier.revision ?? 'no_stream';
    const toAppend: NewEvent[] = [];
    let waiting = [...(parkedByDossier.get(code) ?? [])];

    const refuse = (c: Candidate<M>, reason: DeadLetterReason, detail: string) =>
      decision.refused.push({ message: c.message, reason, detail, dossierCode: code, ...(c.parkedId !== undefined ? { parkedId: c.parkedId } : {}) });

    /** Tries one event; true when it was accepted (so parked ones may now pass). */
    const attempt = (c: Candidate<M>, retryingParked: boolean): boolean => {
      const previous = dossier.stored.get(c.event.id);
      if (previous) {
        if (sameEvent(previous, dossierStreamId(code), toNewEvent(c.event))) decision.duplicates.push(c);
        else refuse(c, 'duplicate-id-conflict', `event id ${c.event.id} is already stored with different content`);
        return false;
      }
      const day = localDay(c.event.time);
      for (const agency of agenciesOf(c.event, dossier.state)) {
        if (!registry.agencyOn(agency, day)) {
          refuse(c, 'unknown-agency', `agency ${agency} is not in the registry on ${day}`);
          return false;
        }
      }
      const agencies = agenciesOf(c.event, dossier.state);
      if (agencies.length > 0 && !agencies.some((a) => registry.mayPublish(c.event.source, a))) {
        refuse(c, 'unauthorised-source', `source ${c.event.source} may not publish for agency ${agencies.join(' or ')}`);
        return false;
      }
      const t = applyDossierEvent(dossier.state, upcastBody(c.event));
      if (!t.ok) {
        if (t.violation.curable && !retryingParked) {
          decision.parked.push({ message: c.message, reason: 'lifecycle-violation', detail: t.violation.message, dossierCode: code });
        } else if (!t.violation.curable) {
          refuse(c, 'lifecycle-violation', t.violation.message);
        }
        return false;
      }
      dossier.state = t.state;
      const recorded = toNewEvent(c.event);
      toAppend.push(recorded);
      dossier.stored.set(c.event.id, { ...recorded, streamId: dossierStreamId(code), revision: -1n, position: { commit: 0n, prepare: 0n }, metadata: {} });
      decision.accepted.push(c);
      return true;
    };

    const retryParked = () => {
      for (let progress = true; progress && waiting.length > 0; ) {
        progress = false;
        const still: Candidate<M>[] = [];
        for (const p of waiting) {
          if (attempt(p, true)) progress = true;
          else if (!decision.refused.some((r) => r.message === p.message) && !decision.duplicates.includes(p)) still.push(p);
        }
        waiting = still;
      }
    };
    retryParked();
    for (const c of arrivals) if (attempt(c, false)) retryParked();
    if (toAppend.length > 0) decision.appends.push({ streamId: dossierStreamId(code), expected, events: toAppend });
  }
  return decision;
}
