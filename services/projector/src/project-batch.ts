import {
  ACCEPTED_EVENT_TYPES,
  dossierCodeOfStream,
  foldDossierEvent,
  isFinal,
  upcastBody,
  type CountIncrement,
  type CountSink,
  type DossierEventBody,
  type DossierSummary,
  type LogPosition,
  type Metric,
  type DailyCountsBatch,
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
  // Codes remembered in a final status since the last trim.
  private finals: string[] = [];
  private readonly startedEmpty: boolean;
  private readonly keepFinal: boolean;
  // The codes forgotten so far, as a Bloom filter: fixed in size however many there are, and never
  // wrong about a code it has not seen (a false "maybe" only costs a read).
  private readonly forgotten = new Uint32Array(FORGOTTEN_FILTER_WORDS);

  /**
   * `empty`: the view has no dossier row yet (its version has no checkpoint), so a code never held here has no row.
   * `keepFinal`: hold dossiers that can take no further event like the others (the policy before they were
   * forgotten first; for measuring the difference, see bench/src/states-read-back.ts).
   */
  constructor(
    readonly capacity: number,
    { empty = false, keepFinal = false }: { empty?: boolean; keepFinal?: boolean } = {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a whole number >= 0, got ${capacity}`);
    this.startedEmpty = empty;
    this.keepFinal = keepFinal;
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

  /** Whether the view may hold a row for a code not held here: then the runner must read it. */
  mayHaveRow(code: string): boolean {
    if (!this.startedEmpty) return true;
    const [h1, h2] = hashes(code);
    for (let i = 0; i < FILTER_HASHES; i += 1) {
      const bit = (h1 + i * h2) >>> 0;
      if (((this.forgotten[(bit >>> 5) & FILTER_MASK] ?? 0) & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Rows the view holds now (read, or just committed): the most recent go last, so they are forgotten last. */
  remember(rows: ReadonlyMap<string, DossierSummary>): void {
    for (const [code, summary] of rows) {
      this.known.delete(code);
      this.known.set(code, summary);
      if (!this.keepFinal && isFinal(summary.status)) this.finals.push(code);
    }
  }

  /**
   * Forgets the dossiers that can take no further event (their next event, if any, is a violation:
   * rare enough to read the view for), then the least recently remembered rows beyond the capacity,
   * so that the room goes to the dossiers in flight. Called only when every row held is in the view.
   */
  trim(): void {
    for (const code of this.finals) {
      const summary = this.known.get(code);
      if (summary && isFinal(summary.status)) this.forget(code);
    }
    this.finals = [];
    let excess = this.known.size - this.capacity;
    if (excess <= 0) return;
    for (const code of this.known.keys()) {
      if (excess-- <= 0) break;
      this.forget(code);
    }
  }

  private forget(code: string): void {
    this.known.delete(code);
    const [h1, h2] = hashes(code);
    for (let i = 0; i < FILTER_HASHES; i += 1) {
      const bit = (h1 + i * h2) >>> 0;
      const word = (bit >>> 5) & FILTER_MASK;
      this.forgotten[word] = (this.forgotten[word] ?? 0) | (1 << (bit & 31));
    }
  }
}

// 2^20 words of 32 bits (4 MiB): under 1% false "maybe" with the 2 million dossiers of the profile ×5.
const FORGOTTEN_FILTER_WORDS = 1 << 20;
const FILTER_MASK = FORGOTTEN_FILTER_WORDS - 1;
const FILTER_HASHES = 3;

/** Two independent 32-bit FNV-1a hashes of a code (the second odd), for double hashing. */
function hashes(code: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < code.length; i += 1) {
    const c = code.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/**
 * What the runner has folded since its last commit, pages of the log at a time: each changed
 * dossier's latest summary (so a dossier touched several times is written once) and the count
 * increments summed by agency, day and metric (so a view row is written once).
 */
export class PendingBatch {
  readonly dossiers = new Map<string, DossierSummary>();
  // Sums by day, then agency, then metric: lookups on the strings the events carry, no key built per count.
  private readonly counts = new Map<string, Map<string, Map<Metric, number>>>();
  readonly skipped: SkippedEvent[] = [];
  private last: LogPosition | undefined;
  private folded = 0;
  /** Summaries read back from the view for this batch: few while `states` has room for the dossiers in flight. */
  readBack = 0;

  /** Events folded, counted or skipped. */
  get events(): number {
    return this.folded;
  }

  /** The page's dossiers whose summary is neither pending here nor in `states`: the runner reads them from the view. */
  unknownCodes(page: readonly RecordedEvent[], states: DossierStates): string[] {
    const codes = new Set<string>();
    for (const e of page) {
      const code = dossierCodeOfStream(e.streamId);
      if (code !== undefined && !this.dossiers.has(code) && !states.has(code) && states.mayHaveRow(code)) codes.add(code);
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
      const outcome = foldDossierEvent(this.dossiers.get(event.subject) ?? states.get(event.subject), event, this.add);
      if (outcome.kind === 'skip') {
        this.skipped.push({ position: recorded.position, reason: outcome.reason });
        continue;
      }
      this.dossiers.set(event.subject, outcome.summary);
    }
  }

  private readonly add: CountSink = (agencyCode, day, metric, value) => {
    let byAgency = this.counts.get(day);
    if (!byAgency) this.counts.set(day, (byAgency = new Map<string, Map<Metric, number>>()));
    let byMetric = byAgency.get(agencyCode);
    if (!byMetric) byAgency.set(agencyCode, (byMetric = new Map<Metric, number>()));
    byMetric.set(metric, (byMetric.get(metric) ?? 0) + value);
  };

  /** The batch to commit: the view changes and the checkpoint after the last event folded. */
  toBatch(): DailyCountsBatch {
    if (!this.last) throw new RangeError('nothing folded to commit');
    // Rows in the order of the view's keys, (day, agency, metric) and dossier code: a B-tree takes
    // rows in key order with far fewer page visits than scattered ones.
    const increments: CountIncrement[] = [];
    // Sums of 0 are kept: a view row exists once anything counted on it, however the log was batched.
    for (const day of sortedKeys(this.counts)) {
      const byAgency = this.counts.get(day) as Map<string, Map<Metric, number>>;
      for (const agencyCode of sortedKeys(byAgency)) {
        const byMetric = byAgency.get(agencyCode) as Map<Metric, number>;
        for (const metric of sortedKeys(byMetric)) increments.push({ agencyCode, day, metric, value: byMetric.get(metric) as number });
      }
    }
    const dossiers = sortedKeys(this.dossiers).map((code) => this.dossiers.get(code) as DossierSummary);
    return { checkpoint: this.last, dossiers, increments, events: this.folded };
  }
}

/** Keys in code-unit order, which is SQLite's BINARY order for the ASCII codes, days and metric names of the view. */
// The default sort compares strings by code units, natively: far cheaper than a comparator function.
const sortedKeys = <K extends string>(map: ReadonlyMap<K, unknown>): K[] => [...map.keys()].sort();
