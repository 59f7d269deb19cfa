import { withStores, type Output } from '../context';
import { commonOptions, parseOptions } from '../options';

/** Brings the store's schema to the current version (every command does this on start) and says what it did. */
export async function migrateCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(commonOptions.strict(), raw);
  const result = await withStores(options, (stores, logger) => {
    logger.info({ store: stores.description, ...stores.schema }, 'schema migrated');
    return Promise.resolve({ store: stores.description, version: stores.schema.version, applied: stores.schema.applied });
  });
  await out.write(`${JSON.stringify({ migrate: result })}\n`);
}
