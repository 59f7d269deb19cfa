import { z } from 'zod';
import { createLogger } from '@tthc/logging';
import { ROLE_PREFIX_PATTERN, setUpStoreRolesAt } from '@tthc/stores';
import type { Output } from '../context';
import { commonOptions, parseOptions, UsageError } from '../options';

const dbRolesOptions = commonOptions
  .extend({ prefix: z.string().regex(ROLE_PREFIX_PATTERN, { message: 'must be lower-case letters, digits and _, starting with a letter' }) })
  .strict();

/**
 * `tthc db roles`: the store's PostgreSQL roles (owner, ingest, projector, reader, operator), the
 * schema migrated by the owner, and each role's grants. Run by an administrator who may create roles.
 */
export async function dbRolesCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(dbRolesOptions, raw);
  if (options.store.kind !== 'postgres')
    throw new UsageError("--store: database roles are PostgreSQL's; an SQLite store is one file, protected by its file permissions");
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const result = await setUpStoreRolesAt(options.store.url, options.prefix);
  logger.info({ database: result.database, created: result.created }, 'store roles set up');
  await out.write(`${JSON.stringify({ roles: result })}\n`);
}
