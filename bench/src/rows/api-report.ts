import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { rowOf, type BenchContext } from '../context';
import { median, rowResult } from '../measure';
import { status } from '../progress';

/** The periods asked cold, each once (read from the view, not from the server's cache): a reporting job's questions of a half-year. */
const COLD_PERIODS = (year: string) => [`${year}-Q1`, `${year}-Q2`, ...['01', '02', '03', '04', '05', '06'].map((m) => `${year}-${m}`), year];
/** Concurrent readers and seconds of the load, ours and the peer's alike. */
const CONNECTIONS = 10;
const LOAD_SECONDS = 10;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitReady(base: string, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${what}: tthc serve did not answer /ready within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: LOAD_SECONDS });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** The peer: node:http serving `body` from memory in a process of its own; stopped when `work` ends. */
async function withBareHttp<T>(context: BenchContext, body: Buffer, work: (base: string) => Promise<T>): Promise<T> {
  const file = join(context.tempDir, 'api-report-body.json');
  writeFileSync(file, body);
  const child = spawn(process.execPath, [join(__dirname, '..', 'bare-http.js'), file, 'application/json; charset=utf-8'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`bare-http exited with ${code}`)));
    });
    return await work(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * `api.report.<store>`: `tthc serve` on the store the end-to-end rows filled, asked by the bench
 * over loopback (with its rate limit lifted: the load is one client). Its seconds are the median latency of 9 cold requests (the
 * half-year's quarters, months and year, each read from the view once), the issue's ≤ 50 ms. Beside it, one run: 10 concurrent readers for
 * 10 s of the same report (answered from the server's cache while the view stands), and the peer,
 * bare node:http serving the same bytes from memory to the same load.
 */
export async function apiReportRow(context: BenchContext, base: 'api.report.postgres' | 'api.report.sqlite', store: string): Promise<void> {
  const { dataset, tthc, runner } = context;
  const row = rowOf(context, base);
  const period = dataset.profile.period;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  status(`${row.name}: tthc serve, 9 cold reports, then ${CONNECTIONS} readers for ${LOAD_SECONDS} s, ours and bare node:http…`);
  // The load is one client: its rate limit is lifted, or most of it would be answered 429.
  const config = join(context.tempDir, 'api-bench.json');
  writeFileSync(config, JSON.stringify({ rateLimit: { max: 10_000_000, windowSeconds: 60 } }));
  const server = tthc.start(`${row.name}.serve`, ['serve', '--store', store, '--port', String(port), '--config', config]);
  const cold: number[] = [];
  let ours: Awaited<ReturnType<typeof load>>;
  let peer: Awaited<ReturnType<typeof load>>;
  try {
    await waitReady(url, row.name);
    // One untimed request first: the connection and the registry, as a running server has them.
    const first = await fetch(`${url}/api/v1/report?from=${period.from}&to=${period.to}`);
    if (!first.ok) throw new Error(`${row.name}: the report answered ${first.status}: ${await first.text()}`);
    const body = Buffer.from(await first.arrayBuffer());
    for (const named of COLD_PERIODS(period.from.slice(0, 4))) {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/report?period=${named}`);
      await response.arrayBuffer();
      cold.push((performance.now() - started) / 1000);
      if (!response.ok) throw new Error(`${row.name}: the report answered ${response.status}`);
    }
    ours = await load(`${url}/api/v1/report?from=${period.from}&to=${period.to}`);
    peer = await withBareHttp(context, body, (bare) => load(bare));
    if (ours.errors > 0) throw new Error(`${row.name}: ${ours.errors} requests failed under load`);
  } finally {
    server.stop();
  }
  const served = await server.done;
  const ms = cold.map((t) => Math.round(t * 1e5) / 100);
  runner.add(
    rowResult(
      {
        ...row,
        events: dataset.events,
        seconds: median(cold),
        peakRssMb: served.peakRssMb,
        peakRssOf: 'cli',
        steps: [
          {
            name: 'GET /api/v1/report, cold (Q1, Q2, each month, the year)',
            seconds: Math.round(median(cold) * 1e6) / 1e6,
            note: `ms per request: ${ms.join(', ')}`,
          },
          {
            name: `GET /api/v1/report, ${CONNECTIONS} readers for ${LOAD_SECONDS} s`,
            seconds: ours.p50 / 1000,
            note: `${Math.round(ours.rps)} requests/s, latency p50 ${ours.p50} ms, p99 ${ours.p99} ms`,
          },
          {
            name: `peer: bare node:http, the same bytes, ${CONNECTIONS} readers for ${LOAD_SECONDS} s`,
            seconds: peer.p50 / 1000,
            untimed: true,
            note: `${Math.round(peer.rps)} requests/s, latency p50 ${peer.p50} ms, p99 ${peer.p99} ms; ours ${Math.round((ours.rps / peer.rps) * 100) / 100}× its requests/s`,
          },
          {
            name: 'tthc serve (process)',
            seconds: Math.round(served.seconds * 1000) / 1000,
            peakRssMb: served.peakRssMb,
            untimed: true,
            note: 'its peak RSS is the row’s',
          },
        ],
      },
      'latency',
    ),
  );
}
