import { ingestConservation, projectionsStatus } from '@tthc/api';
import { withStores, type Output } from '../context';
import { parseOptions, statusOptions } from '../options';
import { formatStatusText, type StatusReport } from './format-status';

/**
 * Where the pipeline stands: ingest's conservation counts per source, letters, and per projection
 * its live version's checkpoint, lag (events and seconds behind the log) and rate, and the
 * progress of any version a replay is building (the same figures the API serves).
 */
export async function statusCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(statusOptions, raw);
  const status: StatusReport = await withStores({ ...options, readOnly: true }, async (stores) => {
    const [ingest, letterCounts, projections] = await Promise.all([ingestConservation(stores), stores.ingestStore.countLetters(), projectionsStatus(stores)]);
    const letters = {
      dead: 0,
      parked: 0,
      purged: 0,
      byReason: { dead: {} as Record<string, number>, parked: {} as Record<string, number>, purged: {} as Record<string, number> },
    };
    for (const { status, reason, count } of letterCounts) {
      if (status === 'resolved') continue;
      letters[status] += count;
      letters.byReason[status][reason] = count;
    }
    return { store: stores.description, ingest, letters, projections };
  });
  // A person at a terminal gets tables; a script (stdout piped) gets JSON unless it asks.
  const format = options.format ?? (process.stdout.isTTY ? 'text' : 'json');
  await out.write(format === 'text' ? formatStatusText(status) : `${JSON.stringify(status, null, 2)}\n`);
}
