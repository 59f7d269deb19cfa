import { addCounts, DAILY_COUNTS_PROJECTION, formatLogPosition, ZERO_COUNTS } from '@tthc/core';
import { withStores, type Output } from '../context';
import { commonOptions, parseOptions } from '../options';

/** Where the pipeline stands: ingest's conservation counts per source, letters, and each projection's checkpoint. */
export async function statusCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(commonOptions.strict(), raw);
  const status = await withStores(options, async (stores) => {
    const counts = await stores.ingestStore.counts();
    const total = [...counts.values()].reduce(addCounts, ZERO_COUNTS);
    const checkpoint = await stores.projectionStore.readCheckpoint(DAILY_COUNTS_PROJECTION);
    const [dead, parked] = await Promise.all([
      stores.ingestStore.listLetters({ status: 'dead', limit: 1_000_000 }),
      stores.ingestStore.listLetters({ status: 'parked', limit: 1_000_000 }),
    ]);
    return {
      store: stores.description,
      ingest: {
        sources: Object.fromEntries(counts),
        total,
        // Every consumed message is appended, a recognised duplicate, a dead letter, or parked.
        balanced: total.consumed === total.appended + total.duplicates + total.deadLettered + total.parked,
      },
      letters: { dead: dead.length, parked: parked.length },
      projections: {
        [DAILY_COUNTS_PROJECTION]: checkpoint
          ? { position: formatLogPosition(checkpoint.position), events: checkpoint.events, updatedAt: checkpoint.updatedAt }
          : null,
      },
    };
  });
  await out.write(`${JSON.stringify(status, null, 2)}\n`);
}
