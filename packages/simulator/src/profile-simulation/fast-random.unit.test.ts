import { SeededRandom } from '../random';
import { FastSeededRandom } from './fast-random';

describe('FastSeededRandom', () => {
  it('draws the very same sequence as SeededRandom for a seed', () => {
    for (const seed of [0, 1, 2024, 0xffffffff, -5]) {
      const slow = new SeededRandom(seed);
      const fast = new FastSeededRandom(seed);
      const draws = (r: SeededRandom) => [r.next(), r.int(3, 15), r.chance(0.3), r.pick(['a', 'b', 'c']), r.uuid(), r.uuidV7(1_710_000_000_000), r.next()];
      for (let k = 0; k < 50; k += 1) expect(draws(fast)).toEqual(draws(slow));
    }
  });
});
