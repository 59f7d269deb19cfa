import { DEAD_LETTER_REASONS, PARKED_REASON, type DeadLetter } from '@tthc/core';
import { redriveDeadLetters } from '@tthc/ingest';
import { z } from 'zod';
import { withStores, type Output } from '../context';
import { commonOptions, letterLimit, parseOptions } from '../options';
import { storedRegistry } from '../registry-source';

const reason = z.enum([...DEAD_LETTER_REASONS, PARKED_REASON]);
const listOptions = commonOptions.extend({ status: z.enum(['dead', 'parked', 'resolved']).optional(), reason: reason.optional(), limit: letterLimit }).strict();
const redriveOptions = commonOptions.extend({ reason: reason.optional(), limit: letterLimit }).strict();
const purgeOptions = commonOptions.extend({ olderThan: z.coerce.number().int().min(1, { message: 'must be at least 1 day' }).max(36_500) }).strict();

const describe = (l: DeadLetter) => ({
  id: l.id,
  origin: l.origin,
  status: l.status,
  reason: l.reason,
  message: l.message,
  dossierCode: l.dossierCode,
  attempts: l.attempts,
  firstSeenAt: l.firstSeenAt,
  value: new TextDecoder().decode(l.value),
  // A binary-mode event's attributes are in its headers.
  ...(l.headers !== undefined ? { headers: l.headers } : {}),
});

/** Dead (and parked) letters, one JSON line each. */
export async function dlqListCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(listOptions, raw);
  const letters = await withStores({ ...options, readOnly: true }, (stores) =>
    stores.ingestStore.listLetters({
      limit: options.limit,
      ...(options.status ? { status: options.status } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
    }),
  );
  await out.write(letters.map((l) => JSON.stringify(describe(l))).join('\n') + (letters.length > 0 ? '\n' : ''));
}

/** Runs dead letters through ingest again (`redriveDeadLetters`) and prints what became of them. */
export async function dlqRedriveCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(redriveOptions, raw);
  const summary = await withStores(options, async (stores, logger) => {
    const registry = await storedRegistry(stores.ingestStore);
    const result = await redriveDeadLetters(stores, registry, { reason: options.reason, limit: options.limit });
    logger.info(result, 'dead letters redriven');
    return result;
  });
  await out.write(`${JSON.stringify({ redrive: summary })}\n`);
}

/**
 * Removes dead and resolved letters last changed more than the retention ago (`--older-than`, or
 * TTHC_DLQ_RETENTION_DAYS): what a message said is kept no longer than an operator needs it. Parked
 * letters stay. Each purged letter stays counted, by reason, under `purged`.
 */
export async function dlqPurgeCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(purgeOptions, raw);
  const before = new Date(Date.now() - options.olderThan * 86_400_000).toISOString();
  const purged = await withStores(options, async (stores, logger) => {
    const removed = await stores.ingestStore.purgeLetters(before);
    logger.info({ before, removed }, 'dead letters purged');
    return removed;
  });
  await out.write(`${JSON.stringify({ purge: { before, letters: purged.reduce((n, c) => n + c.count, 0), byStatusAndReason: purged } })}\n`);
}
