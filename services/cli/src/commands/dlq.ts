import { DEAD_LETTER_REASONS, PARKED_REASON, type DeadLetter } from '@tthc/core';
import { ingestBatch } from '@tthc/ingest';
import { z } from 'zod';
import { withStores, type Output } from '../context';
import { commonOptions, letterLimit, parseOptions } from '../options';
import { storedRegistry } from '../registry-source';

const reason = z.enum([...DEAD_LETTER_REASONS, PARKED_REASON]);
const listOptions = commonOptions.extend({ status: z.enum(['dead', 'parked', 'resolved']).optional(), reason: reason.optional(), limit: letterLimit }).strict();
const redriveOptions = commonOptions.extend({ reason: reason.optional(), limit: letterLimit }).strict();

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

/**
 * Runs dead letters through the ingest pipeline again, after the registry or a source system was
 * fixed: each one ends appended, a duplicate, or dead again (with one more attempt counted).
 */
export async function dlqRedriveCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(redriveOptions, raw);
  const summary = await withStores(options, async (stores, logger) => {
    const registry = await storedRegistry(stores.ingestStore);
    const letters = await stores.ingestStore.listLetters({ status: 'dead', limit: options.limit, ...(options.reason ? { reason: options.reason } : {}) });
    // Same origins: the pipeline records no second letter for a message that fails again; the letter is settled here.
    const messages = letters.map((l) => ({ key: l.key, value: Buffer.from(l.value), origin: l.origin }));
    const result = await ingestBatch({ eventStore: stores.eventStore, ingestStore: stores.ingestStore, registry, source: 'redrive' }, messages);
    const byOutcome = { appended: 0, duplicate: 0, dead: 0, parked: 0 };
    for (const [i, letter] of letters.entries()) {
      const outcome = result.outcomes.get(messages[i]?.origin ?? '') ?? 'dead';
      byOutcome[outcome] += 1;
      await stores.ingestStore.settleLetters([letter.id], outcome === 'dead' || outcome === 'parked' ? outcome : 'resolved');
    }
    // The pipeline counted the redriven messages as consumed again, and those whose letter stays (dead
    // or parked again) as duplicates, since their letters were already recorded. Each was consumed,
    // and counted dead, once already: take that back, so that the totals add up with each letter where
    // it is now.
    await stores.ingestStore.addCounts('redrive', {
      consumed: -letters.length,
      appended: 0,
      duplicates: -(byOutcome.dead + byOutcome.parked),
      deadLettered: -(byOutcome.appended + byOutcome.duplicate + byOutcome.parked),
      parked: byOutcome.parked,
    });
    logger.info({ letters: letters.length, ...byOutcome }, 'dead letters redriven');
    return { letters: letters.length, ...byOutcome };
  });
  await out.write(`${JSON.stringify({ redrive: summary })}\n`);
}
