import {
  applyDossierEvent,
  countingAgencyOf,
  dossierCodeOfStream,
  dossierStreamId,
  eventTime,
  localDay,
  eventAuthority,
  naturalKeyOf,
  naturalKeyOfStored,
  sameEvent,
  sameFact,
  toCurrentVersion,
  toNewEvent,
  upcastBody,
  type AgencyRegistry,
  type AnyVersionDossierEvent,
  type DeadLetterReason,
  type DossierState,
  type NaturalKey,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
} from '@tthc/core';
import { idFingerprint, keyFingerprint, type DossierSnapshot } from './dossier-cache';

/** A valid event and the message it came in. */
export interface Candidate<M> {
  readonly event: AnyVersionDossierEvent;
  readonly message: M;
  /** A parked letter being retried, by its id. */
  readonly parkedId?: number;
  /** The event's natural key once worked out (`naturalKeyOfCandidate`). */
  naturalKey?: NaturalKey;
}

export interface Refusal<M> {
  readonly message: M;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly dossierCode: string;
  readonly parkedId?: number;
}

/** A curable lifecycle violation (an event before its dossier's receipt), kept to be tried again. */
export interface Parking<M> {
  readonly candidate: Candidate<M>;
  readonly detail: string;
}

export interface Decision<M> {
  /** One append per dossier, expected at the revision its state was read at. */
  readonly appends: StreamAppend[];
  readonly accepted: Candidate<M>[];
  readonly duplicates: Candidate<M>[];
  readonly refused: Refusal<M>[];
  /** New arrivals that no event of the batch made valid: parked until their dossier's next event. */
  readonly parked: Parking<M>[];
  /** Parked letters tried again and still waiting. */
  readonly stillParked: Candidate<M>[];
  /** Each decided dossier as it will stand once `appends` commit: what ingest keeps for the next batch. */
  readonly snapshots: Map<string, DossierSnapshot>;
}

/**
 * A candidate's natural key, worked out once however often a batch asks (a retry, a split): kept on
 * the candidate itself, which a WeakMap by event cost more to look up (and to collect) than to spare.
 */
export function naturalKeyOfCandidate(c: Candidate<unknown>): NaturalKey {
  return (c.naturalKey ??= naturalKeyOf(c.event));
}

/**
 * Whether a snapshot can stand for its dossier's stream for these events: not when one of them
 * carries an id or a dossier natural key the stream already holds, since telling a duplicate from
 * a conflict needs the stored event itself.
 */
export function snapshotServes(snapshot: DossierSnapshot, candidates: readonly Candidate<unknown>[]): boolean {
  return candidates.every((c) => {
    if (snapshot.held.includes(idFingerprint(c.event.id))) return false;
    const key = naturalKeyOfCandidate(c);
    return key.scope !== 'dossier' || !snapshot.held.includes(keyFingerprint(key.key));
  });
}

/** What a fact already stored or accepted looks like, to compare a re-sent one with. */
interface Holder {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly data: unknown;
}

interface DossierFold {
  state: DossierState | undefined;
  revision: bigint | undefined;
  /** Events by id: those read from the stream, and those this batch accepts. */
  stored: Map<string, { readonly streamId: string; readonly type: string; readonly data: unknown }>;
  /** Natural keys unique within the dossier, and the event holding each (read, or accepted now). */
  keys: Map<string, Holder>;
  /** What a snapshot the fold started from holds; `stored` and `keys` then hold only this batch's. */
  held: readonly number[];
}

/** Folds a dossier's stored stream into its lifecycle state and the natural keys it holds. */
function fold(code: string, events: readonly RecordedEvent[]): DossierFold {
  let state: DossierState | undefined;
  const stored = new Map<string, RecordedEvent>();
  const keys = new Map<string, Holder>();
  for (const e of events) {
    stored.set(e.id, e);
    const key = naturalKeyOfStored(e, code);
    if (key?.scope === 'dossier' && !keys.has(key.key)) keys.set(key.key, { id: e.id, type: e.type, subject: code, data: e.data });
    const t = applyDossierEvent(state, upcastBody({ type: e.type, subject: code, data: e.data }));
    if (t.ok) state = t.state;
  }
  return { state, revision: events.at(-1)?.revision, stored, keys, held: [] };
}

/** A fold that starts from a snapshot (which `snapshotServes` the batch's events of the dossier). */
const fromSnapshot = (s: DossierSnapshot): DossierFold => ({ state: s.state, revision: s.revision, stored: new Map(), keys: new Map(), held: s.held });

/** The fold as a snapshot, `appended` events after it was read. */
function snapshotOf(dossier: DossierFold, appended: number): DossierSnapshot {
  const held = [...dossier.held];
  for (const id of dossier.stored.keys()) held.push(idFingerprint(id));
  for (const key of dossier.keys.keys()) held.push(keyFingerprint(key));
  return { state: dossier.state, revision: appended === 0 ? dossier.revision : (dossier.revision ?? -1n) + BigInt(appended), held };
}

/** The agencies an event speaks for: its own codes (a receipt), or those of the dossier it belongs to. */
function agenciesOf(event: AnyVersionDossierEvent, state: DossierState | undefined): { agencies: string[]; receipt: boolean } {
  const current = toCurrentVersion(event);
  const distinct = (codes: string[]) => [...new Set(codes)];
  if (current.type === 'vn.gov.tthc.dossier.received.v2')
    return { agencies: distinct([current.data.processingAgencyCode, current.data.receivingAgencyCode]), receipt: true };
  if (current.type === 'vn.gov.tthc.dossier.refused-at-reception.v1') return { agencies: [current.data.agencyCode], receipt: true };
  return { agencies: state ? distinct([countingAgencyOf(state), state.receivingAgencyCode]) : [], receipt: false };
}

type Outcome = 'accepted' | 'duplicate' | 'refused' | 'waiting';

/**
 * Decides what becomes of each valid event of a batch, dossier by dossier, in arrival order: a
 * redelivery (same id) or a re-send under a new id of a fact already held (same natural key, same
 * content) is a duplicate, the same key with other content a conflict; an agency the registry does
 * not know on the day the event is about, or a source it does not allow for the dossier's agencies,
 * is refused; the lifecycle must accept the event against the dossier's state (read from its
 * stream), else it is refused, or waits when a later event could cure it. Waiting events, parked
 * letters and this batch's own, are tried again after each event their dossier accepts, so a payment
 * that comes before its receipt in the same batch is appended with it. Pure: no I/O.
 *
 * `logKeys` holds the stored events of the log-wide natural keys (payments) that the batch names;
 * `snapshots` stands for the streams of the dossiers it names (see `snapshotServes`). Every dossier
 * decided gets an append with the revision its state was read at, even one with no event to add:
 * a refusal, a parking or a duplicate decided on a state that another writer has moved on fails
 * the transaction's expected-revision check like an append would, and is decided again.
 */
export function decideBatch<M>(
  candidates: readonly Candidate<M>[],
  parked: readonly Candidate<M>[],
  streams: ReadonlyMap<string, readonly RecordedEvent[]>,
  registry: AgencyRegistry,
  logKeys: ReadonlyMap<string, RecordedEvent> = new Map(),
  snapshots: ReadonlyMap<string, DossierSnapshot> = new Map(),
): Decision<M> {
  const decision: Decision<M> = { appends: [], accepted: [], duplicates: [], refused: [], parked: [], stillParked: [], snapshots: new Map() };
  const byDossier = new Map<string, Candidate<M>[]>();
  for (const c of candidates) {
    const arrivals = byDossier.get(c.event.subject);
    if (arrivals) arrivals.push(c);
    else byDossier.set(c.event.subject, [c]);
  }
  const parkedByDossier = new Map<string, Candidate<M>[]>();
  for (const p of parked) parkedByDossier.set(p.event.subject, [...(parkedByDossier.get(p.event.subject) ?? []), p]);
  for (const code of parkedByDossier.keys()) if (!byDossier.has(code)) byDossier.set(code, []);
  const logHolders = new Map<string, Holder>();
  for (const [key, e] of logKeys) logHolders.set(key, { id: e.id, type: e.type, subject: dossierCodeOfStream(e.streamId) ?? e.streamId, data: e.data });

  for (const [code, arrivals] of byDossier) {
    const streamId = dossierStreamId(code);
    const snapshot = snapshots.get(code);
    const dossier = snapshot ? fromSnapshot(snapshot) : fold(code, streams.get(streamId) ?? []);
    const expected = dossier.revision ?? 'no_stream';
    const toAppend: NewEvent[] = [];
    /** Events waiting for a later event of the dossier, with the rule they break for now. */
    let waiting: { candidate: Candidate<M>; detail: string }[] = (parkedByDossier.get(code) ?? []).map((candidate) => ({ candidate, detail: '' }));

    const refuse = (c: Candidate<M>, reason: DeadLetterReason, detail: string): Outcome => {
      decision.refused.push({ message: c.message, reason, detail, dossierCode: code, ...(c.parkedId !== undefined ? { parkedId: c.parkedId } : {}) });
      return 'refused';
    };

    /** Tries one event; 'waiting' leaves it to the caller to keep. */
    const attempt = (c: Candidate<M>): { outcome: Outcome; detail?: string } => {
      const previous = dossier.stored.get(c.event.id);
      const natural = naturalKeyOfCandidate(c);
      const recorded = toNewEvent(c.event, natural);
      if (previous) {
        if (sameEvent(previous, streamId, recorded)) {
          decision.duplicates.push(c);
          return { outcome: 'duplicate' };
        }
        return { outcome: refuse(c, 'duplicate-id-conflict', `event id ${c.event.id} is already stored with different content`) };
      }
      const holders = natural.scope === 'log' ? logHolders : dossier.keys;
      const holder = holders.get(natural.key);
      if (holder && holder.id !== c.event.id) {
        if (sameFact(holder, c.event)) {
          decision.duplicates.push(c);
          return { outcome: 'duplicate' };
        }
        const where = holder.subject === code ? '' : ` of dossier ${holder.subject}`;
        return { outcome: refuse(c, 'natural-key-conflict', `${natural.key} is already held by event ${holder.id}${where} with other content`) };
      }
      const body = upcastBody(c.event);
      // The agency must exist on the day the event is about (the receipt's day, the finish's day…), not the day it was sent.
      const day = localDay(eventTime(body));
      const { agencies, receipt } = agenciesOf(c.event, dossier.state);
      const handlingAgency = 'handlingAgencyCode' in body.data ? body.data.handlingAgencyCode : undefined;
      const authority = eventAuthority(registry, { source: c.event.source, agencies, day, receipt, handlingAgency });
      if (!authority.ok) return { outcome: refuse(c, authority.reason, authority.detail) };
      const t = applyDossierEvent(dossier.state, body);
      if (!t.ok) {
        if (t.violation.curable) return { outcome: 'waiting', detail: t.violation.message };
        return { outcome: refuse(c, 'lifecycle-violation', t.violation.message) };
      }
      dossier.state = t.state;
      toAppend.push(recorded);
      dossier.stored.set(c.event.id, { streamId, type: recorded.type, data: recorded.data });
      const fact: Holder = { id: c.event.id, type: c.event.type, subject: code, data: c.event.data };
      holders.set(natural.key, fact);
      decision.accepted.push(c);
      return { outcome: 'accepted' };
    };

    const retryWaiting = () => {
      for (let progress = true; progress && waiting.length > 0;) {
        progress = false;
        const still: typeof waiting = [];
        for (const w of waiting) {
          const { outcome, detail } = attempt(w.candidate);
          if (outcome === 'accepted') progress = true;
          else if (outcome === 'waiting') still.push({ candidate: w.candidate, detail: detail ?? w.detail });
        }
        waiting = still;
      }
    };
    retryWaiting();
    for (const c of arrivals) {
      const { outcome, detail } = attempt(c);
      if (outcome === 'accepted') retryWaiting();
      else if (outcome === 'waiting') waiting.push({ candidate: c, detail: detail ?? '' });
    }
    for (const w of waiting) {
      if (w.candidate.parkedId === undefined) decision.parked.push(w);
      else decision.stillParked.push(w.candidate);
    }
    decision.appends.push({ streamId, expected, events: toAppend });
    decision.snapshots.set(code, snapshotOf(dossier, toAppend.length));
  }
  return decision;
}
