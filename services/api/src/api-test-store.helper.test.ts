import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@tthc/logging';
import { openStores, storeUrl, type Stores } from '@tthc/stores';
import { createTestDatabase, runTthc } from '@tthc/test-support';
import { apiConfig } from './api-config';
import { buildApiServer, type ApiServer } from './server';

/** A message with personal data in a field no event has: refused at ingest, kept as a dead letter. */
export const PERSONAL_LINE = (sample: string): string => {
  const event = JSON.parse(sample) as { id: string; data: Record<string, unknown> };
  return JSON.stringify({ ...event, id: `${event.id}-pii`, data: { ...event.data, applicantName: 'Nguyễn Văn An', applicantPhone: '0912345678' } });
};

/**
 * A store of either kind holding the Lâm Đồng profile at a small scale, ingested from a file (with
 * one refused line that carries personal data) and projected, as an operator would have it.
 */
export async function profileStore(kind: 'sqlite' | 'postgres', scale = 0.005): Promise<{ url: string; dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-api-'));
  const database = kind === 'postgres' ? await createTestDatabase('tthc_api') : undefined;
  const url = database?.url ?? `sqlite:${join(dir, 'tthc.sqlite')}`;
  const feed = join(dir, 'feed.ndjson');
  const profile = join(__dirname, '../../../test/fixtures/profiles/lam-dong-2024-h1.json');
  await runTthc('simulate', '--profile', profile, '--scale', String(scale), '--seed', '7', '--out', feed);
  // The registry line first, then one event; the refused copy goes after them.
  const lines = readFileSync(feed, 'utf8').split('\n');
  writeFileSync(feed, [...lines.slice(0, 2), PERSONAL_LINE(lines[1] ?? '{}'), ...lines.slice(2)].join('\n'));
  await runTthc('ingest', '--file', feed, '--store', url);
  await runTthc('project', '--until-caught-up', '--store', url);
  return {
    url,
    async dispose() {
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Log lines a server wrote, parsed. */
export class CapturedLogs {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  constructor() {
    const lines = this.lines;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    this.logger = createLogger({ level: 'info', destination: sink });
  }
}

/** An answer as a test reads it. */
export interface Answer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
  readonly bytes: Buffer;
  // The test names the shape it expects, as with any parsed JSON.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  json<T = Record<string, unknown>>(): T;
}

export interface Served {
  readonly server: ApiServer;
  readonly stores: Stores;
  readonly logs: CapturedLogs;
  /** The server's address, http://127.0.0.1:PORT. */
  readonly base: string;
  /** A request over a real socket, as a client makes it. */
  request(method: 'GET' | 'POST', path: string, headers?: Record<string, string>, body?: unknown): Promise<Answer>;
  close(): Promise<void>;
}

/** A server over the store at `url` with this configuration, listening on a free loopback port, and the stores it reads. */
export async function serverOn(url: string, config: Record<string, unknown> = {}, logs = new CapturedLogs()): Promise<Served> {
  const stores = await openStores(storeUrl.parse(url), { create: false });
  const server = await buildApiServer({ stores, config: apiConfig.parse({ ...config, port: 0 }), logger: logs.logger });
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    server,
    stores,
    logs,
    base,
    async request(method, path, headers = {}, body) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString('utf8');
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        body: text,
        bytes,
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
        json: <T>() => JSON.parse(text) as T,
      };
    },
    async close() {
      await server.close();
      await stores.close();
    },
  };
}
