import { CHUNK_EVENTS, preparedChunks, type BenchDataset, type PreparedEvents } from '../dataset';
import { collectGarbage, type Untimed } from '../measure';

/**
 * Hands `work` the data set in prepared chunks of 50,000 events. Rebuilding each chunk's events from
 * the simulation, serialising them, and collecting the garbage the previous chunk left happen with
 * the row's clock stopped, so that no row pays for the data's preparation.
 */
export async function forEachChunk(dataset: BenchDataset, untimed: Untimed, work: (chunk: PreparedEvents) => Promise<void>): Promise<void> {
  const chunks = untimed(() => preparedChunks(dataset.simulation.events(), CHUNK_EVENTS));
  for (;;) {
    const next = untimed(() => {
      collectGarbage();
      return chunks.next();
    });
    if (next.done) return;
    await work(next.value);
  }
}
