import { createLogger } from '@tthc/logging';
import { openStores, type Stores } from '@tthc/stores';
import { apiConfig } from './api-config';
import { buildApiServer } from './server';

/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas: `pnpm schemas` writes it to
 * schemas/openapi.json, a test fails when that copy is stale, and the server serves it at /openapi.json.
 * It needs a server without a listener, so it opens a throwaway in-memory SQLite store.
 */
export async function openApiDocument(): Promise<unknown> {
  const stores: Stores = await openStores({ kind: 'sqlite', path: ':memory:' });
  const server = await buildApiServer({ stores, config: apiConfig.parse({}), logger: createLogger({ level: 'silent' }) });
  try {
    return server.app.swagger();
  } finally {
    await server.close();
    await stores.close();
  }
}

/** The document as schemas/openapi.json holds it. */
export async function openApiText(): Promise<string> {
  return `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
}
