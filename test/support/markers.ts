import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Which of the markers the bytes of these streams hold, read chunk by chunk (a full-size store is
 * larger than a string can be), a marker split across two chunks included.
 */
export async function markersIn(streams: readonly Readable[], markers: readonly string[]): Promise<string[]> {
  const wanted = markers.map((m) => [m, Buffer.from(m, 'utf8')] as const);
  const overlap = Math.max(...wanted.map(([, b]) => b.length)) - 1;
  const found = new Set<string>();
  for (const stream of streams) {
    let tail = Buffer.alloc(0);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const window = Buffer.concat([tail, chunk]);
      for (const [m, b] of wanted) if (window.includes(b)) found.add(m);
      tail = window.subarray(Math.max(0, window.length - overlap));
    }
  }
  return [...found];
}

/** pg_dump's data of a database, as a stream; rejects when pg_dump fails. */
export function pgDump(url: string): { stdout: Readable; done: Promise<void> } {
  const child = spawn('pg_dump', ['--data-only', url], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_dump exited with ${code}`))));
  });
  return { stdout: child.stdout, done };
}
