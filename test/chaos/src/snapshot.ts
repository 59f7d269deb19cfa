import { Client } from 'pg';

/** What a run left in its database, to compare with the clean run's. */
export interface Snapshot {
  readonly events: number;
  readonly distinctIds: number;
  /** Streams whose revisions are not 0…n-1. */
  readonly streamsWithGaps: number;
  /** consumed = appended + duplicates + deadLettered + parked, summed over sources. */
  readonly balanced: boolean;
  /** Offsets accounted for over every partition (the committed span). */
  readonly offsetsAccounted: number;
  /** The live daily-counts view, as sorted `day|agency|metric=value` lines. */
  readonly view: readonly string[];
}

export async function snapshot(url: string): Promise<Snapshot> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const one = async <T>(sql: string): Promise<T> => (await client.query(sql)).rows[0] as T;
    const log = await one<{ events: string; ids: string }>('SELECT count(*) AS events, count(DISTINCT event_id) AS ids FROM events');
    const gaps = await one<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT stream_id FROM events GROUP BY stream_id HAVING min(revision) <> 0 OR max(revision) + 1 <> count(*)) g',
    );
    const counts = await one<{ c: string | null; s: string | null }>(
      'SELECT sum(consumed) AS c, sum(appended + duplicates + dead_lettered + parked) AS s FROM ingest_counts',
    );
    const offsets = await one<{ n: string | null }>('SELECT sum(next_offset - first_offset) AS n FROM ingest_offsets');
    const view = await client.query<{ line: string }>(
      `SELECT day::text || '|' || agency_code || '|' || metric || '=' || value AS line FROM view_daily_counts
        WHERE version = (SELECT version FROM projection_versions WHERE projection = 'daily-counts' AND status = 'live') AND value <> 0
        ORDER BY 1`,
    );
    return {
      events: Number(log.events),
      distinctIds: Number(log.ids),
      streamsWithGaps: Number(gaps.n),
      balanced: counts.c === counts.s,
      offsetsAccounted: Number(offsets.n ?? 0),
      view: view.rows.map((r) => r.line),
    };
  } finally {
    await client.end();
  }
}

/** How a run differs from the clean one; empty when it does not. */
export function differences(run: Snapshot, clean: Snapshot, topicMessages: number): string[] {
  const found: string[] = [];
  if (run.events !== clean.events) found.push(`${run.events} events, the clean run ${clean.events}`);
  if (run.distinctIds !== run.events) found.push(`${run.events - run.distinctIds} event ids stored twice`);
  if (run.streamsWithGaps > 0) found.push(`${run.streamsWithGaps} streams with a revision gap`);
  if (!run.balanced) found.push('ingest counts do not balance');
  if (run.offsetsAccounted !== topicMessages) found.push(`${run.offsetsAccounted} offsets accounted for, ${topicMessages} on the topic`);
  const extra = run.view.filter((l) => !clean.view.includes(l));
  const missing = clean.view.filter((l) => !run.view.includes(l));
  if (extra.length > 0 || missing.length > 0)
    found.push(`view differs: ${missing.length} rows missing, ${extra.length} other (e.g. ${[...missing, ...extra].slice(0, 2).join(', ')})`);
  return found;
}
