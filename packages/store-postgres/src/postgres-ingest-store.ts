import type { Pool } from 'pg';
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
import { mapPgError } from './transaction';

interface LetterRow {
  id: string;
  origin: string;
  key: string | null;
  value: Buffer;
  headers: LetterHeaders | null;
  reason: DeadLetter['reason'];
  message: string;
  dossier_code: string | null;
  status: DeadLetter['status'];
  attempts: number;
  first_seen_at: Date;
  updated_at: Date;
}

const toLetter = (r: LetterRow): DeadLetter => ({
  id: Number(r.id),
  origin: r.origin,
  key: r.key,
  value: new Uint8Array(r.value),
  ...(r.headers === null ? {} : { headers: r.headers }),
  reason: r.reason,
  message: r.message,
  dossierCode: r.dossier_code,
  status: r.status,
  attempts: r.attempts,
  firstSeenAt: r.first_seen_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export class PostgresIngestStore implements IngestStore {
  constructor(private readonly pool: Pool) {}

  private async query<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw mapPgError(error);
    }
  }

  async loadRegistry(): Promise<{ version: number; registry: AgencyRegistryFile } | undefined> {
    const [row] = await this.query<{ version: string; document: AgencyRegistryFile }>(
      'SELECT version, document FROM agency_registries ORDER BY version DESC LIMIT 1',
    );
    return row && { version: Number(row.version), registry: row.document };
  }

  async saveRegistry(registry: AgencyRegistryFile): Promise<number> {
    const [row] = await this.query<{ version: string }>('INSERT INTO agency_registries (document) VALUES ($1) RETURNING version', [JSON.stringify(registry)]);
    return Number(row?.version);
  }

  async recordLetters(letters: readonly NewDeadLetter[]): Promise<ReadonlySet<string>> {
    if (letters.length === 0) return new Set();
    const inserted = await this.query<{ origin: string }>(
      `INSERT INTO dead_letters (origin, key, value, reason, message, dossier_code, status, headers)
       SELECT o, k, v, r, m, d, s, h::jsonb FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS t(o, k, v, r, m, d, s, h)
       ON CONFLICT (origin) DO NOTHING
       RETURNING origin`,
      [
        letters.map((l) => l.origin),
        letters.map((l) => l.key),
        letters.map((l) => Buffer.from(l.value)),
        letters.map((l) => l.reason),
        letters.map((l) => l.message),
        letters.map((l) => l.dossierCode),
        letters.map((l) => l.status),
        letters.map((l) => (l.headers === undefined ? null : JSON.stringify(l.headers))),
      ],
    );
    const fresh = new Set(inserted.map((r) => r.origin));
    return new Set(letters.map((l) => l.origin).filter((o) => !fresh.has(o)));
  }

  async parkedFor(dossierCodes: readonly string[]): Promise<DeadLetter[]> {
    if (dossierCodes.length === 0) return [];
    const rows = await this.query<LetterRow>("SELECT * FROM dead_letters WHERE status = 'parked' AND dossier_code = ANY($1) ORDER BY id", [dossierCodes]);
    return rows.map(toLetter);
  }

  async settleLetters(ids: readonly number[], status: LetterStatus, cause?: { readonly reason: DeadLetterReason; readonly message: string }): Promise<void> {
    if (ids.length === 0) return;
    await this.query(
      `UPDATE dead_letters SET status = $1, reason = COALESCE($2, reason), message = COALESCE($3, message), attempts = attempts + 1, updated_at = now()
        WHERE id = ANY($4)`,
      [status, cause?.reason ?? null, cause?.message ?? null, ids],
    );
  }

  async listLetters({ status, reason, limit = 100, afterId }: LetterFilter = {}): Promise<DeadLetter[]> {
    const rows = await this.query<LetterRow>(
      'SELECT * FROM dead_letters WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR reason = $2) AND id > $4 ORDER BY id LIMIT $3',
      [status ?? null, reason ?? null, limit, afterId ?? 0],
    );
    return rows.map(toLetter);
  }

  async countLetters(): Promise<LetterCount[]> {
    const rows = await this.query<{ status: LetterCount['status']; reason: string; count: string }>(
      `SELECT status, reason, count(*) AS count FROM dead_letters GROUP BY status, reason
       UNION ALL SELECT 'purged', reason, count FROM purged_letters
       ORDER BY status, reason`,
    );
    return rows.map((r) => ({ status: r.status, reason: r.reason, count: Number(r.count) }));
  }

  async purgeLetters(updatedBefore: string): Promise<LetterCount[]> {
    // One statement: the letters removed and their tally move together, or not at all.
    const rows = await this.query<{ status: LetterCount['status']; reason: string; count: string }>(
      `WITH gone AS (
         DELETE FROM dead_letters WHERE status <> 'parked' AND updated_at < $1::timestamptz RETURNING status, reason
       ), tally AS (
         INSERT INTO purged_letters AS p (reason, count) SELECT reason, count(*) FROM gone GROUP BY reason
         ON CONFLICT (reason) DO UPDATE SET count = p.count + EXCLUDED.count
       )
       SELECT status, reason, count(*) AS count FROM gone GROUP BY status, reason ORDER BY status, reason`,
      [updatedBefore],
    );
    return rows.map((r) => ({ status: r.status, reason: r.reason, count: Number(r.count) }));
  }

  async recordOffsets(source: string, partition: number, first: bigint, next: bigint): Promise<void> {
    await this.query(
      `INSERT INTO ingest_offsets AS t (source, partition, first_offset, next_offset) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source, partition) DO UPDATE SET first_offset = LEAST(t.first_offset, EXCLUDED.first_offset), next_offset = GREATEST(t.next_offset, EXCLUDED.next_offset)`,
      [source, partition, first.toString(), next.toString()],
    );
  }

  async offsets(): Promise<PartitionSpan[]> {
    const rows = await this.query<{ source: string; partition: number; first_offset: string; next_offset: string }>(
      'SELECT * FROM ingest_offsets ORDER BY source, partition',
    );
    return rows.map((r) => ({ source: r.source, partition: r.partition, first: BigInt(r.first_offset), next: BigInt(r.next_offset) }));
  }

  async addCounts(source: string, c: IngestCounts): Promise<void> {
    await this.query(
      `INSERT INTO ingest_counts AS t (source, consumed, appended, duplicates, dead_lettered, parked) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source) DO UPDATE SET consumed = t.consumed + EXCLUDED.consumed, appended = t.appended + EXCLUDED.appended,
         duplicates = t.duplicates + EXCLUDED.duplicates, dead_lettered = t.dead_lettered + EXCLUDED.dead_lettered,
         parked = t.parked + EXCLUDED.parked`,
      [source, c.consumed, c.appended, c.duplicates, c.deadLettered, c.parked],
    );
  }

  async addRecordCounts(source: string, c: RecordCounts): Promise<void> {
    await this.query(
      `INSERT INTO ingest_record_counts AS t (source, records, translated, refused, events) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source) DO UPDATE SET records = t.records + EXCLUDED.records, translated = t.translated + EXCLUDED.translated,
         refused = t.refused + EXCLUDED.refused, events = t.events + EXCLUDED.events`,
      [source, c.records, c.translated, c.refused, c.events],
    );
  }

  async recordCounts(): Promise<Map<string, RecordCounts>> {
    const rows = await this.query<{ source: string; records: string; translated: string; refused: string; events: string }>(
      'SELECT * FROM ingest_record_counts ORDER BY source',
    );
    return new Map(
      rows.map((r) => [r.source, { records: Number(r.records), translated: Number(r.translated), refused: Number(r.refused), events: Number(r.events) }]),
    );
  }

  async counts(): Promise<Map<string, IngestCounts>> {
    const rows = await this.query<{ source: string; consumed: string; appended: string; duplicates: string; dead_lettered: string; parked: string }>(
      'SELECT * FROM ingest_counts ORDER BY source',
    );
    return new Map(
      rows.map((r) => [
        r.source,
        {
          consumed: Number(r.consumed),
          appended: Number(r.appended),
          duplicates: Number(r.duplicates),
          deadLettered: Number(r.dead_lettered),
          parked: Number(r.parked),
        },
      ]),
    );
  }
}
