#!/usr/bin/env node
/**
 * A sampling profiler for the PostgreSQL side of a run: every `--interval` ms it reads
 * `pg_stat_activity` for the sessions on databases whose name starts with `--prefix` (the bench's
 * `tthc_bench_`), and on SIGINT/SIGTERM (or after `--seconds`) prints the share of ticks in which
 * some session was busy (not idle, not waiting for its client), and the share of ticks each state,
 * wait event and statement was seen in. A statement seen in most ticks is where the server spends
 * the run's time; `idle` and `ClientRead` mean the server was waiting for the client.
 *
 *   node bench/dist/pg-activity-sample.js [--prefix tthc_bench_] [--interval 20] [--seconds N] [--url postgres://…]
 *
 * Stop it with `kill PID` (SIGTERM) or Ctrl-C; a shell script's background job ignores SIGINT.
 */
import { Client } from 'pg';

export interface ActivitySample {
  readonly state: string | null;
  readonly waitEventType: string | null;
  readonly waitEvent: string | null;
  readonly query: string | null;
}

/** A statement as one line, its whitespace squeezed, cut to `width` characters. */
export function statementKey(query: string | null, width = 110): string {
  const line = (query ?? '').replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The sample's bucket: what the session was doing and, when active or in a transaction, which statement. */
export function bucketOf(sample: ActivitySample): string {
  const wait = sample.waitEventType ? `${sample.waitEventType}:${sample.waitEvent ?? ''}` : 'CPU';
  const state = sample.state ?? 'unknown';
  if (state === 'idle') return 'idle (waiting for the client)';
  return `${state} | ${wait} | ${statementKey(sample.query)}`;
}

/** Whether the session was doing work for its client (not idle, not waiting for the client's next statement). */
export const busy = (sample: ActivitySample): boolean => sample.state !== 'idle' && sample.waitEvent !== 'ClientRead';

/** Each bucket's sample count as a share of the ticks (a bucket seen in every tick is 100%). */
export function tally(samples: readonly ActivitySample[], ticks: number): { bucket: string; count: number; share: number }[] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(bucketOf(s), (counts.get(bucketOf(s)) ?? 0) + 1);
  const total = ticks || 1;
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([bucket, count]) => ({ bucket, count, share: Math.round((count / total) * 1000) / 10 }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
  };
  const prefix = option('--prefix', 'tthc_bench_');
  const interval = Number(option('--interval', '20'));
  const seconds = Number(option('--seconds', '0'));
  const client = new Client({ connectionString: option('--url', 'postgres://postgres@127.0.0.1:5432/postgres'), application_name: 'tthc-bench-sampler' });
  await client.connect();
  const samples: ActivitySample[] = [];
  let ticks = 0;
  let busyTicks = 0;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const started = Date.now();
  const until = seconds > 0 ? started + seconds * 1000 : Number.POSITIVE_INFINITY;
  while (!stop.signal.aborted && Date.now() < until) {
    const { rows } = await client.query<ActivitySample>(
      `SELECT state, wait_event_type AS "waitEventType", wait_event AS "waitEvent", query
         FROM pg_stat_activity
        WHERE datname LIKE $1 || '%' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND application_name <> 'tthc-bench'`,
      [prefix],
    );
    samples.push(...rows);
    ticks += 1;
    if (rows.some(busy)) busyTicks += 1;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  const elapsed = (Date.now() - started) / 1000;
  process.stdout.write(
    `${ticks} ticks in ${elapsed.toFixed(1)} s (one every ${((elapsed * 1000) / (ticks || 1)).toFixed(1)} ms), ${samples.length} session samples; ` +
      `some session busy in ${Math.round((busyTicks / (ticks || 1)) * 1000) / 10}% of the ticks\n`,
  );
  process.stdout.write('share of ticks  samples  state | wait event | statement\n');
  for (const t of tally(samples, ticks).slice(0, 30)) process.stdout.write(`${t.share.toFixed(1).padStart(5)}%  ${String(t.count).padStart(6)}  ${t.bucket}\n`);
  await client.end();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`pg-activity-sample: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
