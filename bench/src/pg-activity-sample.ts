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
import { Command } from 'commander';
import { Client } from 'pg';
import { sleep } from '@tthc/retry';
import { z } from 'zod';

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

/**
 * For each bucket, the ticks it was seen in (however many sessions were in it at that tick) and that
 * as a share of all ticks: a bucket seen in every tick is 100%.
 */
export function tally(ticks: readonly (readonly ActivitySample[])[]): { bucket: string; ticks: number; share: number }[] {
  const seen = new Map<string, number>();
  for (const tick of ticks) for (const bucket of new Set(tick.map(bucketOf))) seen.set(bucket, (seen.get(bucket) ?? 0) + 1);
  const total = ticks.length || 1;
  return [...seen.entries()].sort((a, b) => b[1] - a[1]).map(([bucket, count]) => ({ bucket, ticks: count, share: Math.round((count / total) * 1000) / 10 }));
}

const samplerOptions = z
  .object({
    prefix: z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case letters, digits or _'),
    interval: z.coerce.number().int().min(5, 'must be at least 5 (ms)').max(10_000, 'must be at most 10000 (ms)'),
    seconds: z.coerce.number().nonnegative('must be 0 (until stopped) or more'),
    url: z.string().refine((u) => URL.canParse(u) && /^postgres(ql)?:$/.test(new URL(u).protocol), 'must be a postgres:// URL'),
  })
  .strict();

async function sample(options: z.output<typeof samplerOptions>): Promise<void> {
  const client = new Client({ connectionString: options.url, application_name: 'tthc-bench-sampler' });
  await client.connect();
  const ticks: ActivitySample[][] = [];
  let busyTicks = 0;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const started = Date.now();
  const until = options.seconds > 0 ? started + options.seconds * 1000 : Number.POSITIVE_INFINITY;
  while (!stop.signal.aborted && Date.now() < until) {
    const { rows } = await client.query<ActivitySample>(
      `SELECT state, wait_event_type AS "waitEventType", wait_event AS "waitEvent", query
         FROM pg_stat_activity
        WHERE datname LIKE $1 || '%' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND application_name <> 'tthc-bench'`,
      [options.prefix],
    );
    ticks.push(rows);
    if (rows.some(busy)) busyTicks += 1;
    await sleep(options.interval);
  }
  const elapsed = (Date.now() - started) / 1000;
  const samples = ticks.reduce((n, t) => n + t.length, 0);
  process.stdout.write(
    `${ticks.length} ticks in ${elapsed.toFixed(1)} s (one every ${((elapsed * 1000) / (ticks.length || 1)).toFixed(1)} ms), ${samples} session samples; ` +
      `some session busy in ${Math.round((busyTicks / (ticks.length || 1)) * 1000) / 10}% of the ticks\n`,
  );
  process.stdout.write('share of ticks  ticks  state | wait event | statement (a tick counts once per bucket)\n');
  for (const t of tally(ticks).slice(0, 30)) process.stdout.write(`${t.share.toFixed(1).padStart(5)}%  ${String(t.ticks).padStart(6)}  ${t.bucket}\n`);
  await client.end();
}

if (require.main === module) {
  new Command('pg-activity-sample')
    .description('samples pg_stat_activity of the bench databases; prints the shares on SIGINT/SIGTERM or after --seconds')
    .option('--prefix <name>', 'database name prefix', 'tthc_bench_')
    .option('--interval <ms>', 'time between samples', '20')
    .option('--seconds <n>', 'stop after this many seconds (0: when stopped)', '0')
    .option('--url <url>', 'any database of the server', 'postgres://postgres@127.0.0.1:5432/postgres')
    .action(async (raw: Record<string, string>) => {
      const parsed = samplerOptions.safeParse(raw);
      if (!parsed.success) {
        process.stderr.write(`pg-activity-sample: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; ')}\n`);
        process.exitCode = 2;
        return;
      }
      await sample(parsed.data);
    })
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`pg-activity-sample: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
}
