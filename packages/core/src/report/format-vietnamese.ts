/** 157270 → "157.270": Vietnamese groups thousands with a dot. */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** 96.02 → "96,02%": a decimal comma, always two decimals; "–" when there is nothing to divide. */
export function formatPercent(rate: number | null): string {
  if (rate === null) return '–';
  const [whole = '0', frac = '00'] = rate.toFixed(2).split('.');
  return `${formatCount(Number(whole))},${frac}%`;
}
