import { z } from 'zod';
import { createLogger } from '@tthc/logging';
import { backupSqliteStore } from '@tthc/stores';
import type { Output } from '../context';
import { commonOptions, parseOptions, UsageError } from '../options';
import { createProgress } from '../progress';

const backupOptions = commonOptions.extend({ out: z.string().min(1) }).strict();

/**
 * `tthc backup`: a consistent copy of an SQLite store while the pipeline keeps running (SQLite's
 * online backup). A PostgreSQL store is backed up by PostgreSQL's own tools (docs/deploy.md).
 */
export async function backupCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(backupOptions, raw);
  if (options.store.kind !== 'sqlite')
    throw new UsageError('--store: tthc backup copies an SQLite store; back PostgreSQL up with pg_dump or continuous archiving (docs/deploy.md, "Backups")');
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const started = Date.now();
  const progress = createProgress('backup', 'pages');
  let result;
  try {
    result = await backupSqliteStore(options.store.path, options.out, (done, total) => progress.update(done, total));
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  logger.info({ from: options.store.path, ...result, seconds }, 'store backed up');
  await out.write(`${JSON.stringify({ backup: { from: options.store.path, ...result, seconds } })}\n`);
}
