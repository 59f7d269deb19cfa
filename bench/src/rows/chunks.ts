import { CHUNK_EVENTS, preparedChunks, type BenchDataset, type PreparedEvents } from '../dataset';
import type { Untimed } from '../measure';

/**
 * Hands `work` the data set in prepared chunks of 50,000 events. Rebuilding each chunk's events from
 * the simulation and serialising them happen with the row's clock stopped. No garbage collection is
 * forced between chunks: one would also sweep, off the clock, the garbage the timed work made. So
 * V8 collects when it decides, and every in-process row (ours, the limits', the peer's) pays for
 * the collections that fall in its timed work, some of them of the preparation's garbage.
 */
export async function forEachChunk(dataset: BenchDataset, untimed: Untimed, work: (chunk: PreparedEvents) => Promise<void>): Promise<void> {
  const chunks = untimed(() => preparedChunks(dataset.simulation.events(), CHUNK_EVENTS));
  for (;;) {
    const next = untimed(() => chunks.next());
    if (next.done) return;
    await work(next.value);
  }
}
