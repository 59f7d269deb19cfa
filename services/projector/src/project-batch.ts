import {
  ACCEPTED_EVENT_TYPES,
  dossierCodeOfStream,
  projectDossierEvent,
  upcastBody,
  type CountIncrement,
  type DossierEventBody,
  type DossierSummary,
  type LogPosition,
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

export interface SkippedEvent {
  readonly position: LogPosition;
  readonly reason: string;
}

/**
 * The dossier summaries a runner holds in memory: rows of the view as its own commits left them
 * (or as it read them), so that it neither reads them back nor writes one per event. Bounded: past
 * `capacity` the least recently committed go, and are read from the view again if an event needs
 * them. Valid only while the runner holds the version's lease without a break: nobody else commits
 * to the version then. A new session starts with an empty one.
 */
export class DossierStates {
  private readonly known = new Map<string, DossierSummary>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number >= 0, got ${capacity}`);
  }

  get size(): number {
    return this.known.size;
  }

  get(code: string): DossierSummary | undefined {
    return this.known.get(code);
  }

  has(code: string): boolean {
    return this.known.has(code);
  }

  /** Rows the view holds now (read, or just committed): the most recent go last, so they are evicted last. */
  remember(rows: ReadonlyMap<string, DossierSummary>): void {
    for (const [code, summary] of rows) {
      this.known.delete(code);
      this.known.set(code, summary);
    }
  }

  /** Forgets the least recently remembered rows beyond the capacity. */
  trim(): void {
    let excess = this.known.size - this.capacity;
    if (excess <= 0) return;
    for (const code of this.known.keys()) {
      if (excess-- <= 0) break;
      this.known.delete(code);
    }
  }
}

/**
 * What the runner has folded since its last commit, pages of the log at a time: each changed
 * dossier's latest summary (so a dossier touched several times is written once) and the count
 * increments summed by agency, day and metric (so a view row is written once).
 */
export class PendingBatch {
  readonly dossiers = new Map<string, DossierSummary>();
  private readonly counts = new Map<string, { agencyCode: string; day: string; metric: CountIncrement['metric']; value: number }>();
  readonly skipped: SkippedEvent[] = [];
  private last: LogPosition | undefined;
  private folded = 0;

  /** Events folded, counted or skipped. */
  get events(): number {
    return this.folded;
  }

  /** The page's dossiers whose summary is neither pending here nor in `states`: the runner reads them from the view. */
  unknownCodes(page: readonly RecordedEvent[], states: DossierStates): string[] {
    const codes = new Set<string>();
    for (const e of page) {
      const code = dossierCodeOfStream(e.streamId);
      if (code !== undefined && !this.dossiers.has(code) && !states.has(code)) codes.add(code);
    }
    return [...codes];
  }

  /** Folds a page, each dossier's summary taken from this batch, else from `states` (which must hold every dossier the view has). */
  fold(page: readonly RecordedEvent[], states: DossierStates): void {
    for (const recorded of page) {
      this.folded += 1;
      this.last = recorded.position;
      const event = asDossierEvent(recorded);
      if (!event) {
        this.skipped.push({ position: recorded.position, reason: `not a dossier event: ${recorded.type}` });
        continue;
      }
      const outcome = projectDossierEvent(this.dossiers.get(event.subject) ?? states.get(event.subject), event);
      if (outcome.kind === 'skip') {
        this.skipped.push({ position: recorded.position, reason: outcome.reason });
        continue;
      }
      this.dossiers.set(event.subject, outcome.summary);
      for (const i of outcome.increments) {
        const key = `${i.agencyCode}|${i.day}|${i.metric}`;
        const sum = this.counts.get(key);
        if (sum) sum.value += i.value;
        else this.counts.set(key, { agencyCode: i.agencyCode, day: i.day, metric: i.metric, value: i.value });
      }
    }
  }

  /** The batch to commit: the view changes and the checkpoint after the last event folded. */
  toBatch(): ProjectionBatch {
    if (!this.last) throw new RangeError('nothing folded to commit');
    // Sums of 0 are kept: a view row exists once anything counted on it, however the log was batched.
    return { checkpoint: this.last, dossiers: [...this.dossiers.values()], increments: [...this.counts.values()], events: this.folded };
  }
}

/**
 * Folds a page of the log into one projection batch, given the summaries of the dossiers it touches.
 * Pure: the caller loads the summaries and commits the result.
 */
export function projectPage(events: readonly RecordedEvent[], known: ReadonlyMap<string, DossierSummary>): { batch: ProjectionBatch; skipped: SkippedEvent[] } {
  const states = new DossierStates(known.size);
  states.remember(known);
  const pending = new PendingBatch();
  pending.fold(events, states);
  return { batch: pending.toBatch(), skipped: pending.skipped };
}

export function dossierCodesOf(events: readonly RecordedEvent[]): string[] {
  const codes = new Set<string>();
  for (const e of events) {
    const code = dossierCodeOfStream(e.streamId);
    if (code !== undefined) codes.add(code);
  }
  return [...codes];
}
