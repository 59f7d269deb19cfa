import { API_ROLES, buildApiServer, hashToken, loadApiConfig, newToken } from '@tthc/api';
import { z } from 'zod';
import { stopSignal, withStores, type Output } from '../context';
import { commonOptions, parseOptions } from '../options';

const serveOptions = commonOptions
  .extend({
    config: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.coerce.number().int().min(0).max(65535).optional(),
  })
  .strict();

const tokenOptions = z.object({ name: z.string().min(1), role: z.enum(API_ROLES) }).strict();

/**
 * Serves the HTTP API and the dashboard over the store's views until SIGINT or SIGTERM, then stops
 * any replay it started after the batch in hand and closes. Prints where it listens on stdout.
 */
export async function serveCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(serveOptions, raw);
  const config = await loadApiConfig({ file: options.config, envTokens: process.env.TTHC_API_TOKENS, overrides: { host: options.host, port: options.port } });
  // A server is long-lived: a store that does not exist is a typo in its URL, never a new empty store to serve.
  await withStores({ ...options, readOnly: true }, async (stores, logger) => {
    const server = await buildApiServer({ stores, config, logger });
    const signal = stopSignal();
    const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    try {
      const address = await server.app.listen({ host: config.host, port: config.port });
      logger.info({ address, tokens: config.tokens.length, actions: config.tokens.some((t) => t.role === 'operator') }, 'serving');
      await out.write(`${JSON.stringify({ serving: address, dashboard: `${address}/dashboard/`, openapi: `${address}/openapi.json` })}\n`);
      await stopped;
      logger.info('stopping: finishing requests and replays in hand');
    } finally {
      await server.close();
    }
  });
}

/** Makes a bearer token: prints it once, with the record (its hash) to put in the server's configuration. */
export async function tokenCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(tokenOptions, raw);
  const token = newToken();
  const record = { name: options.name, role: options.role, sha256: hashToken(token) };
  // Checked like any configured token, so that what is printed is accepted by the server.
  await loadApiConfig({ envTokens: `${record.name}:${record.role}:${record.sha256}` });
  await out.write(`${JSON.stringify({ token, config: record, env: `${record.name}:${record.role}:${record.sha256}` })}\n`);
}
