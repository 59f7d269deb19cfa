import { apportion, apportionCapped } from './apportion';

describe('largest-remainder apportionment', () => {
  it('gives whole parts that sum exactly to the total, in proportion', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(100, [0.5, 0.3, 0.2])).toEqual([50, 30, 20]);
    expect(apportion(7, [3, 0, 4])).toEqual([3, 0, 4]);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });

  it('gives the leftover units to the largest remainders, ties to the first', () => {
    // Quotas 1.4, 2.8, 2.8: floors 1, 2, 2 and two units left, to the two .8 remainders.
    expect(apportion(7, [1, 2, 2])).toEqual([1, 3, 3]);
    expect(apportion(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('sums exactly whatever the weights', () => {
    const weights = Array.from({ length: 142 }, (_, i) => 1 / (i + 1) ** 0.6);
    for (const total of [0, 1, 141, 142, 197_113, 1_000_003]) {
      const parts = apportion(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
    }
  });

  it('treats weights that are all 0 as equal, and refuses bad input', () => {
    expect(apportion(4, [0, 0])).toEqual([2, 2]);
    expect(() => apportion(-1, [1])).toThrow(RangeError);
    expect(() => apportion(1.5, [1])).toThrow(RangeError);
    expect(() => apportion(1, [])).toThrow(RangeError);
    expect(() => apportion(1, [Number.NaN])).toThrow(RangeError);
  });

  it('respects caps, passing what a capped part cannot take to the others', () => {
    expect(apportionCapped(10, [1, 1, 1], [1, Infinity, Infinity])).toEqual([1, 5, 4]);
    expect(apportionCapped(5, [1, 0], [2, 3])).toEqual([2, 3]);
    expect(() => apportionCapped(5, [1, 1], [1, 1])).toThrow(/exceeds the caps/);
  });
});
