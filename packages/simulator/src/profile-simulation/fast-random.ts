import { SeededRandom } from '../random';

// Module bindings, not global lookups: under jest, modules run in a vm context where every
// `Math.x` read costs some hundred nanoseconds, and the simulator draws tens of millions of numbers.
const { floor, imul } = Math;

/**
 * `SeededRandom` (mulberry32) with the very same sequence for a seed, its `next` free of global
 * lookups (as are `int` and `pick`, which the parent writes with `Math.floor`).
 */
export class FastSeededRandom extends SeededRandom {
  #state: number;

  constructor(seed: number) {
    super(seed);
    this.#state = seed >>> 0;
  }

  override next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  override int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  override pick<T>(items: readonly T[]): T {
    const item = items[floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}
