import type { Database, Statement } from 'better-sqlite3';
import type {
  RecordCounts,
  AgencyRegistryFile,
  DeadLetterReason,
  DeadLetter,
  IngestCounts,
  IngestStore,
  LetterCount,
  LetterFilter,
  LetterStatus,
  PartitionSpan,
  NewDeadLetter,
  LetterHeaders,
} from '@tthc/core';
import { run } from './sqlite-errors';

interface LetterRow {
  id: number;
  origin: string;
  key: string | null;
  value: Buffer;
  headers: string | null;
  reason: DeadLetter['reason'];
  message: string;
  dossier_code: string | null;
  status: DeadLetter['status'];
  attempts: number;
  first_seen_at: string;
  updated_at: string;
}

const toLetter = (r: LetterRow): DeadLetter => ({
  id: r.id,
  origin: r.origin,
  key: r.key,
  value: new Uint8Array(r.value),
  ...(r.headers === null ? {} : { headers: JSON.parse(r.headers) as LetterHeaders }),
  reason: r.reason,
  message: r.message,
  dossierCode: r.dossier_code,
  status: r.status,
  attempts: r.attempts,
  firstSeenAt: r.first_seen_at,
  updatedAt: r.updated_at,
});

export class SqliteIngestStore implements IngestStore {
  private readonly latestRegistry: Statement<[], { version: number; document: string }>;
  private readonly insertRegistry: Statement<[string]>;
  private readonly insertLetter: Statement<[string, string | null, Buffer, string | null, string, string, string | null, string]>;
  private readonly parked: Statement<[string], LetterRow>;
  private readonly settle: Statement<[string, string | null, string | null, number]>;
  private readonly addCount: Statement<[string, number, number, number, number, number]>;
  private readonly allCounts: Statement<[], { source: string; consumed: number; appended: number; duplicates: number; dead_lettered: number; parked: number }>;
  private readonly recordTx: (letters: readonly NewDeadLetter[]) => Set<string>;

  constructor(private readonly db: Database) {
    this.latestRegistry = db.prepare('SELECT version, document FROM agency_registries ORDER BY version DESC LIMIT 1');
    this.insertRegistry = db.prepare('INSERT INTO agency_registries (document) VALUES (?)');
    this.insertLetter = db.prepare(
      `INSERT INTO dead_letters (origin, key, value, headers, reason, message, dossier_code, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (origin) DO NOTHING`,
    );
    this.parked = db.prepare("SELECT * FROM dead_letters WHERE status = 'parked' AND dossier_code IN (SELECT value FROM json_each(?)) ORDER BY id");
    this.settle = db.prepare(
      `UPDATE dead_letters SET status = ?, reason = COALESCE(?, reason), message = COALESCE(?, message), attempts = attempts + 1,
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`,
    );
    this.addCount = db.prepare(
      `INSERT INTO ingest_counts (source, consumed, appended, duplicates, dead_lettered, parked) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (source) DO UPDATE SET consumed = consumed + excluded.consumed, appended = appended + excluded.appended,
         duplicates = duplicates + excluded.duplicates, dead_lettered = dead_lettered + excluded.dead_lettered,
         parked = parked + excluded.parked`,
    );
    this.allCounts = db.prepare('SELECT * FROM ingest_counts ORDER BY source');
    const tx = db.transaction((letters: readonly NewDeadLetter[]) => {
      const known = new Set<string>();
      for (const l of letters) {
        const { changes } = this.insertLetter.run(
          l.origin,
          l.key,
          Buffer.from(l.value),
          l.headers === undefined ? null : JSON.stringify(l.headers),
          l.reason,
          l.message,
          l.dossierCode,
          l.status,
        );
        if (changes === 0) known.add(l.origin);
      }
      return known;
    });
    this.recordTx = (letters) => tx.immediate(letters);
  }

  loadRegistry(): Promise<{ version: number; registry: AgencyRegistryFile } | undefined> {
    return run(() => {
      const row = this.latestRegistry.get();
      return row && { version: row.version, registry: JSON.parse(row.document) as AgencyRegistryFile };
    });
  }

  saveRegistry(registry: AgencyRegistryFile): Promise<number> {
    return run(() => Number(this.insertRegistry.run(JSON.stringify(registry)).lastInsertRowid));
  }

  recordLetters(letters: readonly NewDeadLetter[]): Promise<ReadonlySet<string>> {
    return run(() => this.recordTx(letters));
  }

  parkedFor(dossierCodes: readonly string[]): Promise<DeadLetter[]> {
    return run(() => this.parked.all(JSON.stringify(dossierCodes)).map(toLetter));
  }

  settleLetters(ids: readonly number[], status: LetterStatus, cause?: { readonly reason: DeadLetterReason; readonly message: string }): Promise<void> {
    return run(() => {
      for (const id of ids) this.settle.run(status, cause?.reason ?? null, cause?.message ?? null, id);
    });
  }

  listLetters({ status, reason, limit = 100, afterId }: LetterFilter = {}): Promise<DeadLetter[]> {
    return run(() =>
      this.db
        .prepare<[string | null, string | null, string | null, string | null, number, number], LetterRow>(
          'SELECT * FROM dead_letters WHERE (? IS NULL OR status = ?) AND (? IS NULL OR reason = ?) AND id > ? ORDER BY id LIMIT ?',
        )
        .all(status ?? null, status ?? null, reason ?? null, reason ?? null, afterId ?? 0, limit)
        .map(toLetter),
    );
  }

  countLetters(): Promise<LetterCount[]> {
    return run(() =>
      this.db
        .prepare<[], LetterCount>(
          `SELECT status, reason, count(*) AS count FROM dead_letters GROUP BY status, reason
           UNION ALL SELECT 'purged', reason, count FROM purged_letters
           ORDER BY status, reason`,
        )
        .all(),
    );
  }

  purgeLetters(updatedBefore: string): Promise<LetterCount[]> {
    // Letters' times are ISO text in UTC, which sort as they compare.
    const cutoff = new Date(updatedBefore).toISOString();
    return run(() =>
      this.db.transaction(() => {
        const gone = this.db
          .prepare<[string], LetterCount>(
            "SELECT status, reason, count(*) AS count FROM dead_letters WHERE status <> 'parked' AND updated_at < ? GROUP BY status, reason ORDER BY status, reason",
          )
          .all(cutoff);
        this.db.prepare<[string]>("DELETE FROM dead_letters WHERE status <> 'parked' AND updated_at < ?").run(cutoff);
        const tally = this.db.prepare<[string, number]>(
          'INSERT INTO purged_letters (reason, count) VALUES (?, ?) ON CONFLICT (reason) DO UPDATE SET count = count + excluded.count',
        );
        for (const { reason, count } of gone) tally.run(reason, count);
        return gone;
      })(),
    );
  }

  addCounts(source: string, c: IngestCounts): Promise<void> {
    return run(() => {
      this.addCount.run(source, c.consumed, c.appended, c.duplicates, c.deadLettered, c.parked);
    });
  }

  recordOffsets(source: string, partition: number, first: bigint, next: bigint): Promise<void> {
    return run(() => {
      this.db
        .prepare(
          `INSERT INTO ingest_offsets (source, partition, first_offset, next_offset) VALUES (?, ?, ?, ?)
           ON CONFLICT (source, partition) DO UPDATE SET first_offset = min(first_offset, excluded.first_offset), next_offset = max(next_offset, excluded.next_offset)`,
        )
        .run(source, partition, first, next);
    });
  }

  offsets(): Promise<PartitionSpan[]> {
    return run(() =>
      this.db
        .prepare<[], { source: string; partition: number; first_offset: number; next_offset: number }>(
          'SELECT * FROM ingest_offsets ORDER BY source, partition',
        )
        .all()
        .map((r) => ({ source: r.source, partition: r.partition, first: BigInt(r.first_offset), next: BigInt(r.next_offset) })),
    );
  }

  addRecordCounts(source: string, c: RecordCounts): Promise<void> {
    return run(() => {
      this.db
        .prepare(
          `INSERT INTO ingest_record_counts (source, records, translated, refused, events) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (source) DO UPDATE SET records = records + excluded.records, translated = translated + excluded.translated,
             refused = refused + excluded.refused, events = events + excluded.events`,
        )
        .run(source, c.records, c.translated, c.refused, c.events);
    });
  }

  recordCounts(): Promise<Map<string, RecordCounts>> {
    return run(() => {
      const rows = this.db.prepare('SELECT * FROM ingest_record_counts ORDER BY source').all() as (RecordCounts & { source: string })[];
      return new Map(rows.map((r) => [r.source, { records: r.records, translated: r.translated, refused: r.refused, events: r.events }]));
    });
  }

  counts(): Promise<Map<string, IngestCounts>> {
    return run(
      () =>
        new Map(
          this.allCounts
            .all()
            .map((r) => [r.source, { consumed: r.consumed, appended: r.appended, duplicates: r.duplicates, deadLettered: r.dead_lettered, parked: r.parked }]),
        ),
    );
  }
}
