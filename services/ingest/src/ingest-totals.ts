import type { BatchResult } from './ingest-batch';

/** Running conservation counts: consumed = appended + duplicates + rejected. */
export class IngestTotals {
  consumed = 0;
  appended = 0;
  duplicates = 0;
  rejected = 0;

  add(result: BatchResult): void {
    this.consumed += result.consumed;
    this.appended += result.appended;
    this.duplicates += result.duplicates;
    this.rejected += result.rejected.length;
  }

  toJSON(): { consumed: number; appended: number; duplicates: number; rejected: number } {
    return { consumed: this.consumed, appended: this.appended, duplicates: this.duplicates, rejected: this.rejected };
  }
}
