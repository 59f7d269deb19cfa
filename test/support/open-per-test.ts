import type { Opened } from './opened';

/**
 * Opens a fresh store before each test of the calling `describe` and closes it after; disposes of
 * the harness after the last. Returns how a test reaches the store in hand.
 */
export function openPerTest<T>(harness: { open(): Promise<Opened<T>>; dispose?(): Promise<void> }): () => T {
  let current: Opened<T> | undefined;
  beforeEach(async () => {
    current = await harness.open();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(async () => {
    await harness.dispose?.();
  });
  return () => {
    if (!current) throw new Error('no store open: call store() inside a test');
    return current.store;
  };
}
