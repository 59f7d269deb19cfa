/**
 * Largest-remainder (Hamilton) apportionment: splits a whole `total` in proportion to `weights` so
 * that the parts are whole numbers summing exactly to `total`. Each part is the floor of its quota,
 * and the units left over go to the largest remainders (ties to the lower index, so the result is
 * deterministic). Weights that are all 0 count as equal.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`apportion: total must be a whole number >= 0, got ${total}`);
  const n = weights.length;
  if (n === 0) {
    if (total === 0) return [];
    throw new RangeError(`apportion: ${total} among no parts`);
  }
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('apportion: weights must be finite and >= 0');
  const sum = weights.reduce((a, b) => a + b, 0);
  const w = sum > 0 ? weights : weights.map(() => 1);
  const wSum = sum > 0 ? sum : n;
  const parts = new Array<number>(n);
  const remainders: { index: number; remainder: number }[] = [];
  let given = 0;
  for (let i = 0; i < n; i += 1) {
    const quota = (total * (w[i] ?? 0)) / wSum;
    const whole = Math.floor(quota);
    parts[i] = whole;
    given += whole;
    remainders.push({ index: i, remainder: quota - whole });
  }
  remainders.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let k = 0; given < total; k += 1, given += 1) {
    const r = remainders[k % n];
    if (r) parts[r.index] = (parts[r.index] ?? 0) + 1;
  }
  return parts;
}

/**
 * As `apportion`, but no part may exceed its cap (`Infinity` for none): what a capped part cannot
 * take is apportioned again among the others. Throws when the caps add up to less than `total`.
 */
export function apportionCapped(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const capacity = caps.reduce((a, b) => a + b, 0);
  if (capacity < total) throw new RangeError(`apportionCapped: ${total} exceeds the caps (${capacity})`);
  const parts = weights.map(() => 0);
  let left = total;
  for (let round = 0; left > 0; round += 1) {
    const open = parts.map((p, i) => (p < (caps[i] ?? 0) ? i : -1)).filter((i) => i >= 0);
    const openWeights = open.map((i) => weights[i] ?? 0);
    // After a round where every open part had weight 0, share equally rather than not at all.
    const share = apportion(left, round > weights.length ? open.map(() => 1) : openWeights);
    open.forEach((i, k) => {
      const room = (caps[i] ?? 0) - (parts[i] ?? 0);
      const take = Math.min(room, share[k] ?? 0);
      parts[i] = (parts[i] ?? 0) + take;
      left -= take;
    });
  }
  return parts;
}
