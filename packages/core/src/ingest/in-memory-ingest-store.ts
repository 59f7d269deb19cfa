import type { AgencyRegistryFile } from '../registry/agency-registry-file';
import {
  addCounts,
  addRecordCounts,
  ZERO_COUNTS,
  ZERO_RECORD_COUNTS,
  type RecordCounts,
  type DeadLetter,
  type DeadLetterReason,
  type IngestCounts,
  type LetterStatus,
  type NewDeadLetter,
} from './dead-letter';
import type { IngestStore, LetterCount, LetterFilter, PartitionSpan } from './ingest-store';

export class InMemoryIngestStore implements IngestStore {
  private readonly registries: AgencyRegistryFile[] = [];
  private letters: DeadLetter[] = [];
  private readonly purged = new Map<string, number>();
  private readonly totals = new Map<string, IngestCounts>();
  private readonly recordTotals = new Map<string, RecordCounts>();
  private readonly spans = new Map<string, PartitionSpan>();

  loadRegistry(): Promise<{ version: number; registry: AgencyRegistryFile } | undefined> {
    const registry = this.registries.at(-1);
    return Promise.resolve(registry && { version: this.registries.length, registry });
  }

  saveRegistry(registry: AgencyRegistryFile): Promise<number> {
    this.registries.push(registry);
    return Promise.resolve(this.registries.length);
  }

  recordLetters(letters: readonly NewDeadLetter[]): Promise<ReadonlySet<string>> {
    const now = new Date().toISOString();
    const known = new Set<string>();
    for (const letter of letters) {
      if (this.letters.some((l) => l.origin === letter.origin)) {
        known.add(letter.origin);
        continue;
      }
      this.letters.push({ ...letter, id: this.letters.length + 1, attempts: 1, firstSeenAt: now, updatedAt: now });
    }
    return Promise.resolve(known);
  }

  parkedFor(dossierCodes: readonly string[]): Promise<DeadLetter[]> {
    const codes = new Set(dossierCodes);
    return Promise.resolve(this.letters.filter((l) => l.status === 'parked' && l.dossierCode !== null && codes.has(l.dossierCode)));
  }

  settleLetters(ids: readonly number[], status: LetterStatus, cause?: { readonly reason: DeadLetterReason; readonly message: string }): Promise<void> {
    const now = new Date().toISOString();
    for (const id of ids) {
      const i = this.letters.findIndex((l) => l.id === id);
      const letter = this.letters[i];
      if (!letter) continue;
      this.letters[i] = { ...letter, status: status as DeadLetter['status'], attempts: letter.attempts + 1, updatedAt: now, ...(cause ?? {}) };
    }
    return Promise.resolve();
  }

  listLetters({ status, reason, limit = 100, afterId }: LetterFilter = {}): Promise<DeadLetter[]> {
    return Promise.resolve(
      this.letters
        .filter(
          (l) => (status === undefined || l.status === status) && (reason === undefined || l.reason === reason) && (afterId === undefined || l.id > afterId),
        )
        .slice(0, limit),
    );
  }

  countLetters(): Promise<LetterCount[]> {
    const counts = new Map<string, LetterCount>();
    for (const l of this.letters) {
      const key = `${l.status}\u0000${l.reason}`;
      counts.set(key, { status: l.status, reason: l.reason, count: (counts.get(key)?.count ?? 0) + 1 });
    }
    for (const [reason, count] of this.purged) counts.set(`purged\u0000${reason}`, { status: 'purged', reason, count });
    return Promise.resolve([...counts.values()]);
  }

  purgeLetters(updatedBefore: string): Promise<LetterCount[]> {
    const cutoff = Date.parse(updatedBefore);
    const gone = this.letters.filter((l) => l.status !== 'parked' && Date.parse(l.updatedAt) < cutoff);
    this.letters = this.letters.filter((l) => !gone.includes(l));
    const counts = new Map<string, LetterCount>();
    for (const l of gone) {
      this.purged.set(l.reason, (this.purged.get(l.reason) ?? 0) + 1);
      const key = `${l.status}\u0000${l.reason}`;
      counts.set(key, { status: l.status, reason: l.reason, count: (counts.get(key)?.count ?? 0) + 1 });
    }
    return Promise.resolve([...counts.values()]);
  }

  addCounts(source: string, counts: IngestCounts): Promise<void> {
    this.totals.set(source, addCounts(this.totals.get(source) ?? ZERO_COUNTS, counts));
    return Promise.resolve();
  }

  counts(): Promise<Map<string, IngestCounts>> {
    return Promise.resolve(new Map(this.totals));
  }

  addRecordCounts(source: string, counts: RecordCounts): Promise<void> {
    this.recordTotals.set(source, addRecordCounts(this.recordTotals.get(source) ?? ZERO_RECORD_COUNTS, counts));
    return Promise.resolve();
  }

  recordCounts(): Promise<Map<string, RecordCounts>> {
    return Promise.resolve(new Map([...this.recordTotals].sort(([a], [b]) => a.localeCompare(b))));
  }

  recordOffsets(source: string, partition: number, first: bigint, next: bigint): Promise<void> {
    const key = `${source}\u0000${partition}`;
    const was = this.spans.get(key);
    this.spans.set(key, { source, partition, first: was && was.first < first ? was.first : first, next: was && was.next > next ? was.next : next });
    return Promise.resolve();
  }

  offsets(): Promise<PartitionSpan[]> {
    return Promise.resolve([...this.spans.values()].sort((a, b) => (a.source === b.source ? a.partition - b.partition : a.source < b.source ? -1 : 1)));
  }
}
