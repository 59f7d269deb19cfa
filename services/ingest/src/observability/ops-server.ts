import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@tthc/logging';
import type { HealthReport } from './health';

export interface OpsServerOptions {
  /** 0 picks a free port; the one chosen is in the result. */
  readonly port: number;
  /** Loopback by default; bind `0.0.0.0` (or a pod address) for a scraper on another host. */
  readonly host?: string;
  readonly metrics: { metrics(): Promise<string>; readonly contentType: string };
  readonly health: { report(): HealthReport };
  readonly logger: Logger;
}

export interface OpsServer {
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening and drops open connections (a keep-alive scraper would otherwise hold it open). */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: OpsServerOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
  if (path !== '/metrics' && path !== '/health') {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    return;
  }
  if (path === '/metrics') {
    send(res, 200, options.metrics.contentType, await options.metrics.metrics());
    return;
  }
  const report = options.health.report();
  send(res, report.status === 'down' ? 503 : 200, 'application/json; charset=utf-8', JSON.stringify(report));
}

/** Serves `GET /metrics` (Prometheus text) and `GET /health` (JSON; 503 when down) over plain HTTP. */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger.child({ component: 'ops-server' });
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      logger.error({ err: error, url: req.url }, 'ops request failed');
      if (res.headersSent) res.destroy();
      else send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'ops server error'));

  const port = (server.address() as AddressInfo).port;
  logger.info({ host, port }, 'ops server listening: GET /metrics, GET /health');

  let closing: Promise<void> | undefined;
  return {
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
