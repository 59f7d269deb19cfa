import { addCounts, ZERO_COUNTS } from '@tthc/core';
import { PROJECTIONS, projectionStatus } from '@tthc/projector';
import { withStores, type Output } from '../context';
import { parseOptions, statusOptions } from '../options';
import { formatStatusText, type StatusReport } from './format-status';

/**
 * Where the pipeline stands: ingest's conservation counts per source, letters, and per projection
 * its live version's checkpoint, lag (events and seconds behind the log) and rate, and the
 * progress of any version a replay is building.
 */
export async function statusCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(statusOptions, raw);
  const status: StatusReport = await withStores({ ...options, readOnly: true }, async (stores) => {
    const counts = await stores.ingestStore.counts();
    const total = [...counts.values()].reduce(addCounts, ZERO_COUNTS);
    const [dead, parked] = await Promise.all([
      stores.ingestStore.listLetters({ status: 'dead', limit: 1_000_000 }),
      stores.ingestStore.listLetters({ status: 'parked', limit: 1_000_000 }),
    ]);
    // consumed counts a redelivered message again; the committed span counts each offset once.
    const partitions = (await stores.ingestStore.offsets()).map((p) => ({
      source: p.source,
      partition: p.partition,
      firstOffset: p.first.toString(),
      nextOffset: p.next.toString(),
      distinct: Number(p.next - p.first),
    }));
    const projections: Record<string, Awaited<ReturnType<typeof projectionStatus>>> = {};
    for (const name of PROJECTIONS) projections[name] = await projectionStatus(stores.eventStore, stores.projectionStore, name);
    return {
      store: stores.description,
      ingest: {
        sources: Object.fromEntries(counts),
        total,
        // Every consumed message is appended, a recognised duplicate, a dead letter, or parked.
        balanced: total.consumed === total.appended + total.duplicates + total.deadLettered + total.parked,
        partitions,
      },
      letters: { dead: dead.length, parked: parked.length, byReason: { dead: countByReason(dead), parked: countByReason(parked) } },
      projections,
    };
  });
  // A person at a terminal gets tables; a script (stdout piped) gets JSON unless it asks.
  const format = options.format ?? (process.stdout.isTTY ? 'text' : 'json');
  await out.write(format === 'text' ? formatStatusText(status) : `${JSON.stringify(status, null, 2)}\n`);
}

function countByReason(letters: readonly { reason: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const letter of letters) counts[letter.reason] = (counts[letter.reason] ?? 0) + 1;
  return counts;
}
